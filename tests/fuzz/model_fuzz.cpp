// libFuzzer target: bytes decoded into requests, served on the model and on the
// reference model of tests/differential side by side; any disagreement aborts.
// One byte picks the request, the next ones its arguments; handles, tokens and
// request ids are picked among those earlier requests gave, so that the fuzzer
// reaches deep states with few bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "differential.hpp"

namespace {

using namespace wsrsim;

class Decoder {
public:
    Decoder(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    bool done() const { return at_ >= size_; }
    std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
    std::uint16_t word() {
        const std::uint8_t high = byte();  // two statements: the order of `byte() << 8 | byte()` is unspecified
        return static_cast<std::uint16_t>(high << 8 | byte());
    }
    bool flag() { return byte() & 1; }

    Pid pid() { return 1 + byte() % 4; }
    Transport transport() { return flag() ? Transport::udp : Transport::tcp; }
    IoMode mode() { return flag() ? IoMode::overlapped : IoMode::sync; }
    // Mostly small blocks around a few ports, so that requests collide.
    PortBlock block() {
        const std::uint8_t shape = byte();
        const Port start = shape & 1 ? 0 : static_cast<Port>(shape & 2 ? word() : 49152 + byte());
        const Port count = static_cast<Port>(shape & 4 ? word() : byte());
        return PortBlock{start, count};
    }
    // One of the values seen, or (one time in the size + 1) one never given.
    template <class T>
    T seen(const std::vector<T>& values) {
        const std::size_t pick = byte() % (values.size() + 1);
        return pick < values.size() ? values[values.size() - 1 - pick] : static_cast<T>(word());
    }

    Request request() {
        switch (byte() % 17) {
        case 0: return req::SetDynamicRange{transport(), word(), word()};
        case 1: return req::SetPolicies{{static_cast<WildcardPlacement>(byte() % 3),
                                          static_cast<EphemeralPolicy>(byte() % 2), byte()}};
        case 2: return req::CreateProcess{pid(), flag(), "app"};
        case 3: return req::ExitProcess{pid()};
        case 4: return req::OpenSocket{pid(), static_cast<SocketKind>(byte() % 3),
                                       {flag() ? Family::v6 : Family::v4, flag()}};
        case 5: return req::CloseSocket{seen(sockets)};
        case 6: return req::Bind{seen(sockets), static_cast<Port>(flag() ? 0 : 49152 + byte())};
        case 7: return req::GetSockName{seen(sockets)};
        case 8: return req::Acquire{seen(sockets), block(), mode()};
        case 9: return req::Associate{seen(sockets), seen(tokens), mode()};
        case 10: return req::Release{seen(sockets), seen(tokens), mode()};
        case 11: return req::AdvanceClock{clock += byte()};
        case 12: return req::Wait{seen(requests)};
        case 13: return req::PersistCreate{pid(), transport(), block(),
                                           flag() ? ReservationKind::active : ReservationKind::persistent};
        case 14: return req::PersistDelete{pid(), transport(), block()};
        case 15: return req::PersistLookup{pid(), transport(), block()};
        default: return req::Reboot{};
        }
    }

    void remember(const Outcome& outcome) {
        if (outcome.socket != no_socket) sockets.push_back(outcome.socket);
        if (outcome.token != invalid_token) tokens.push_back(outcome.token);
        if (outcome.request != 0) requests.push_back(outcome.request);
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
    std::vector<SocketHandle> sockets;
    std::vector<Token> tokens;
    std::vector<RequestId> requests;
    Nanos clock = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Decoder decoder(data, size);
    differential::SideBySide models(differential::same_configs(decoder.word()));
    while (!decoder.done()) {
        const Request request = decoder.request();
        const auto result = models.serve(request);
        if (!result.differences.empty()) {
            std::fprintf(stderr, "models disagree after %s:\n%s\n", differential::describe(request).c_str(),
                         result.differences.c_str());
            std::abort();
        }
        decoder.remember(result.outcome);
    }
    return 0;
}
