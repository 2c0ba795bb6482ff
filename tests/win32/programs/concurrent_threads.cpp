// Eight threads of one process calling Winsock at once: acquire, associate, bind,
// release and close on the process-wide host. Built and run under ThreadSanitizer
// by CI (.ci/run); in the normal suite it checks the same invariants:
// every call succeeds, blocks held at the same time never overlap, a bound port
// lies in its block, and afterwards nothing is left reserved.
#include <winsock2.h>
#include <mstcpip.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace {

constexpr int thread_count = 8;
constexpr int rounds = 200;
constexpr USHORT block_size = 8;

std::atomic<int> failures{0};

void expect(bool held, const char* what, int thread) {
    if (held) return;
    if (failures.fetch_add(1) < 20) std::printf("thread %d: %s failed (error %d)\n", thread, what, WSAGetLastError());
}

// The blocks each thread holds right now, to check that no two overlap.
class LiveBlocks {
public:
    bool add(INET_PORT_RANGE block) {
        const std::lock_guard<std::mutex> guard(mutex_);
        const bool overlaps = std::any_of(live_.begin(), live_.end(), [&](const INET_PORT_RANGE& other) {
            return block.StartPort < other.StartPort + other.NumberOfPorts &&
                   other.StartPort < block.StartPort + block.NumberOfPorts;
        });
        live_.push_back(block);
        return !overlaps;
    }
    void remove(INET_PORT_RANGE block) {
        const std::lock_guard<std::mutex> guard(mutex_);
        std::erase_if(live_, [&](const INET_PORT_RANGE& other) { return other.StartPort == block.StartPort; });
    }

private:
    std::mutex mutex_;
    std::vector<INET_PORT_RANGE> live_;  // host byte order
};

LiveBlocks tcp_blocks, udp_blocks;

USHORT bind_any_and_name(SOCKET s) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    if (bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 0;
    int length = sizeof address;
    if (getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
    return ntohs(address.sin_port);
}

void work(int thread) {
    const bool tcp = thread % 2 == 0;
    LiveBlocks& blocks = tcp ? tcp_blocks : udp_blocks;
    for (int round = 0; round < rounds; ++round) {
        const SOCKET owner = tcp ? socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) : socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        const SOCKET worker = tcp ? socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) : socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
        expect(owner != INVALID_SOCKET && worker != INVALID_SOCKET, "socket", thread);

        INET_PORT_RANGE wanted{0, block_size};
        INET_PORT_RESERVATION_INSTANCE reservation{};
        DWORD bytes = 0;
        const bool acquired = WSAIoctl(owner, SIO_ACQUIRE_PORT_RESERVATION, &wanted, sizeof wanted, &reservation,
                                       sizeof reservation, &bytes, nullptr, nullptr) == 0;
        expect(acquired, "acquire", thread);
        if (acquired) {
            const INET_PORT_RANGE block{ntohs(reservation.Reservation.StartPort),
                                        reservation.Reservation.NumberOfPorts};
            expect(blocks.add(block), "blocks apart", thread);
            ULONG64 token = reservation.Token.Token;
            expect(WSAIoctl(worker, SIO_ASSOCIATE_PORT_RESERVATION, &token, sizeof token, nullptr, 0, &bytes,
                            nullptr, nullptr) == 0,
                   "associate", thread);
            const USHORT port = bind_any_and_name(worker);
            expect(port >= block.StartPort && port < block.StartPort + block.NumberOfPorts, "bind in block", thread);
            blocks.remove(block);
            expect(WSAIoctl(owner, SIO_RELEASE_PORT_RESERVATION, &token, sizeof token, nullptr, 0, &bytes, nullptr,
                            nullptr) == 0,
                   "release", thread);
        }
        expect(closesocket(worker) == 0 && closesocket(owner) == 0, "closesocket", thread);
    }
}

// With nothing left reserved, one block spanning the whole default dynamic range fits.
bool nothing_reserved(int type, int protocol) {
    const SOCKET s = socket(AF_INET, type, protocol);
    INET_PORT_RANGE everything{0, 16384};
    INET_PORT_RESERVATION_INSTANCE reservation{};
    DWORD bytes = 0;
    const bool fits = WSAIoctl(s, SIO_ACQUIRE_PORT_RESERVATION, &everything, sizeof everything, &reservation,
                               sizeof reservation, &bytes, nullptr, nullptr) == 0;
    closesocket(s);
    return fits;
}

}  // namespace

int wmain(int, wchar_t**) {
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) return 1;
    std::vector<std::thread> threads;
    for (int thread = 0; thread < thread_count; ++thread) threads.emplace_back(work, thread);
    for (std::thread& thread : threads) thread.join();
    expect(nothing_reserved(SOCK_STREAM, IPPROTO_TCP), "tcp left empty", -1);
    expect(nothing_reserved(SOCK_DGRAM, IPPROTO_UDP), "udp left empty", -1);
    WSACleanup();
    std::printf("%d threads x %d rounds: %d failures\n", thread_count, rounds, failures.load());
    return failures.load() != 0;
}
