// Several sockets sharing one reserved port (SPEC §5): the sockets of a runtime
// reservation, associated or of the acquiring process, bind the same port;
// another process's sockets are kept out.
#include <winsock2.h>
#include <mstcpip.h>
#include <ws2tcpip.h>
#include <wsrsim_win32.h>

#include "check.h"

namespace {

int bind_v6(SOCKET s, USHORT port) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_port = htons(port);
    return bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address);
}

USHORT bound_port(SOCKET s) {
    sockaddr_in6 name{};
    int length = sizeof name;
    CHECK_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&name), &length), 0);
    CHECK_EQ(name.sin6_family, AF_INET6);
    return ntohs(name.sin6_port);
}

}  // namespace

int wmain(int, wchar_t**) {
    WSADATA data;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);

    SOCKET owner = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    INET_PORT_RANGE range{htons(8000), 4};
    INET_PORT_RESERVATION_INSTANCE reservation{};
    DWORD bytes = 0;
    CHECK_EQ(WSAIoctl(owner, SIO_ACQUIRE_PORT_RESERVATION, &range, sizeof range, &reservation,
                      sizeof reservation, &bytes, nullptr, nullptr),
             0);
    ULONG64 token = reservation.Token.Token;

    // Three associated sockets, one per processor in a QUIC stack, all on port 8001.
    SOCKET workers[3];
    for (SOCKET& worker : workers) {
        worker = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
        CHECK_EQ(WSAIoctl(worker, SIO_ASSOCIATE_PORT_RESERVATION, &token, sizeof token, nullptr, 0,
                          &bytes, nullptr, nullptr),
                 0);
        CHECK_EQ(bind_v6(worker, 8001), 0);
        CHECK_EQ(bound_port(worker), 8001);
    }
    // A socket of the acquiring process shares it without associating.
    SOCKET sibling = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    CHECK_EQ(bind_v6(sibling, 8001), 0);

    // A TCP socket cannot take a UDP reservation; another process cannot bind in it.
    SOCKET tcp = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    CHECK_EQ(WSAIoctl(tcp, SIO_ASSOCIATE_PORT_RESERVATION, &token, sizeof token, nullptr, 0, &bytes,
                      nullptr, nullptr),
             SOCKET_ERROR);
    CHECK_EQ(WSAGetLastError(), WSAEINVAL);
    CHECK_EQ(wsrsim_win32_use_process(2000, FALSE), NO_ERROR);
    SOCKET stranger = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    CHECK_EQ(bind_v6(stranger, 8001), SOCKET_ERROR);
    CHECK_EQ(WSAGetLastError(), WSAEACCES);
    CHECK_EQ(bind_v6(stranger, 8004), 0);  // just past the block

    // Released, the block's bound sockets keep their shared port.
    CHECK_EQ(wsrsim_win32_use_process(1000, FALSE), NO_ERROR);
    CHECK_EQ(WSAIoctl(owner, SIO_RELEASE_PORT_RESERVATION, &token, sizeof token, nullptr, 0, &bytes,
                      nullptr, nullptr),
             0);
    for (SOCKET worker : workers) CHECK_EQ(bound_port(worker), 8001);

    CHECK_EQ(WSACleanup(), 0);  // closes every socket still open
    return check_result();
}
