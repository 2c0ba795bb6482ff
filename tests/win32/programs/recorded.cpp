// Calls whose trace tests/win32/programs_test.cpp checks: an overlapped request
// completed and one aborted, a refused call, persistent reservations, a
// non-overlapped IPv6 socket. Runs elevated with WSRSIM_POLICY=latency=1000.
#include <winsock2.h>
#include <iphlpapi.h>
#include <mstcpip.h>
#include <ws2tcpip.h>

#include "check.h"

int wmain(int, wchar_t**) {
    WSADATA data;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);

    SOCKET tcp = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    INET_PORT_RANGE range{htons(6000), 10};
    INET_PORT_RESERVATION_INSTANCE reservation{};
    WSAOVERLAPPED acquiring{};
    CHECK_EQ(WSAIoctl(tcp, SIO_ACQUIRE_PORT_RESERVATION, &range, sizeof range, &reservation,
                      sizeof reservation, nullptr, &acquiring, nullptr),
             SOCKET_ERROR);
    DWORD bytes = 0;
    DWORD flags = 0;
    CHECK_EQ(WSAGetOverlappedResult(tcp, &acquiring, &bytes, TRUE, &flags), TRUE);
    ULONG64 token = reservation.Token.Token;
    WSAOVERLAPPED associating{};
    CHECK_EQ(WSAIoctl(tcp, SIO_ASSOCIATE_PORT_RESERVATION, &token, sizeof token, nullptr, 0,
                      nullptr, &associating, nullptr),
             SOCKET_ERROR);
    CHECK_EQ(closesocket(tcp), 0);
    CHECK_EQ(WSAIoctl(1234, SIO_RELEASE_PORT_RESERVATION, &token, sizeof token, nullptr, 0, &bytes,
                      nullptr, nullptr),
             SOCKET_ERROR);

    ULONG64 created = 0;
    ULONG64 found = 0;
    CHECK_EQ(CreatePersistentUdpPortReservation(htons(50000), 60, &created), NO_ERROR);
    CHECK_EQ(LookupPersistentUdpPortReservation(htons(50000), 60, &found), NO_ERROR);
    SOCKET udp = WSASocketW(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, 0);
    CHECK_EQ(WSAIoctl(udp, SIO_ACQUIRE_PORT_RESERVATION, nullptr, sizeof range, &reservation,
                      sizeof reservation, &bytes, nullptr, nullptr),
             SOCKET_ERROR);
    CHECK_EQ(WSAIoctl(udp, SIO_ASSOCIATE_PORT_RESERVATION, &found, sizeof found, nullptr, 0, &bytes,
                      nullptr, nullptr),
             0);
    sockaddr_in6 any{};
    any.sin6_family = AF_INET6;
    CHECK_EQ(bind(udp, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
    CHECK_EQ(DeletePersistentUdpPortReservation(htons(50000), 60), NO_ERROR);

    CHECK_EQ(WSACleanup(), 0);
    return check_result();
}
