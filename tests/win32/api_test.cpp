// Winsock around the IOCTLs: startup, sockets, addresses, events and waits.
#include <doctest/doctest.h>

#include <cstring>
#include <thread>

#include "winsock_session.hpp"

#include <mstcpip.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using wsrsim::tests::error_of;
using wsrsim::tests::WinsockSession;

TEST_CASE("without WSAStartup, Winsock answers WSANOTINITIALISED") {
    SUBCASE("never started") {}
    SUBCASE("started, then cleaned up") {
        WSADATA data;
        REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
        REQUIRE(WSACleanup() == 0);
    }
    CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) == INVALID_SOCKET);
    CHECK(WSAGetLastError() == WSANOTINITIALISED);
    CHECK(error_of(WSAIoctl(0x104, FIONBIO, nullptr, 0, nullptr, 0, nullptr, nullptr, nullptr)) ==
          WSANOTINITIALISED);
    CHECK(error_of(closesocket(0x104)) == WSANOTINITIALISED);
    CHECK(error_of(WSACleanup()) == WSANOTINITIALISED);
    CHECK(WSACreateEvent() == WSA_INVALID_EVENT);
    CHECK(WSAGetLastError() == WSANOTINITIALISED);
}

TEST_CASE("WSAStartup agrees on a version up to 2.2 and counts its calls") {
    WSADATA data;
    CHECK(WSAStartup(MAKEWORD(2, 2), nullptr) == WSAEFAULT);
    CHECK(WSAStartup(MAKEWORD(0, 9), &data) == WSAVERNOTSUPPORTED);
    REQUIRE(WSAStartup(MAKEWORD(1, 1), &data) == 0);
    CHECK(data.wVersion == MAKEWORD(1, 1));
    CHECK(data.wHighVersion == MAKEWORD(2, 2));
    REQUIRE(WSAStartup(MAKEWORD(3, 0), &data) == 0);
    CHECK(data.wVersion == MAKEWORD(2, 2));
    CHECK(std::strcmp(data.szSystemStatus, "Running") == 0);

    const SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(WSACleanup() == 0);  // one of two
    CHECK(closesocket(s) == 0);
    CHECK(WSACleanup() == 0);
}

TEST_CASE("the last WSACleanup closes the sockets left open") {
    SOCKET s;
    {
        WinsockSession winsock;
        s = socket(AF_INET, SOCK_DGRAM, 0);
    }
    WinsockSession again;
    CHECK(error_of(closesocket(s)) == WSAENOTSOCK);
}

TEST_CASE("socket() refuses what the model has no socket for") {
    WinsockSession winsock;
    CHECK(socket(AF_UNSPEC, SOCK_STREAM, 0) == INVALID_SOCKET);
    CHECK(WSAGetLastError() == WSAEAFNOSUPPORT);
    CHECK(socket(AF_INET, SOCK_SEQPACKET, 0) == INVALID_SOCKET);
    CHECK(WSAGetLastError() == WSAESOCKTNOSUPPORT);
    CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == INVALID_SOCKET);
    CHECK(WSAGetLastError() == WSAEPROTONOSUPPORT);
    CHECK(WSASocketA(AF_INET, SOCK_DGRAM, 0, nullptr, 1, WSA_FLAG_OVERLAPPED) == INVALID_SOCKET);
    CHECK(WSAGetLastError() == WSAEINVAL);
    CHECK(socket(AF_INET6, SOCK_DGRAM, 0) != INVALID_SOCKET);
}

TEST_CASE("bind takes an address of the socket's family; getsockname gives it back") {
    WinsockSession winsock;
    const SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(9300);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;

    CHECK(error_of(bind(s, nullptr, sizeof address)) == WSAEFAULT);
    CHECK(error_of(bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address - 1)) ==
          WSAEFAULT);
    CHECK(error_of(bind(s, reinterpret_cast<sockaddr*>(&v6), sizeof v6)) == WSAEFAULT);

    sockaddr_in name{};
    int length = sizeof name;
    CHECK(error_of(getsockname(s, reinterpret_cast<sockaddr*>(&name), &length)) == WSAEINVAL);
    REQUIRE(bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    CHECK(error_of(bind(s, reinterpret_cast<sockaddr*>(&address), sizeof address)) == WSAEINVAL);

    length = sizeof name - 1;
    CHECK(error_of(getsockname(s, reinterpret_cast<sockaddr*>(&name), &length)) == WSAEFAULT);
    length = sizeof(SOCKADDR_STORAGE);
    REQUIRE(getsockname(s, reinterpret_cast<sockaddr*>(&name), &length) == 0);
    CHECK(length == sizeof name);
    CHECK(name.sin_family == AF_INET);
    CHECK(ntohs(name.sin_port) == 9300);
    CHECK(ntohl(name.sin_addr.s_addr) == INADDR_LOOPBACK);
}

TEST_CASE("WSAGetLastError belongs to the calling thread") {
    WSASetLastError(WSAEINVAL);
    int other = -1;
    std::thread([&] {
        WSASetLastError(WSAEFAULT);
        other = WSAGetLastError();
    }).join();
    CHECK(other == WSAEFAULT);
    CHECK(WSAGetLastError() == WSAEINVAL);
}

TEST_CASE("byte order functions swap on this little-endian host") {
    CHECK(htons(0x1234) == 0x3412);
    CHECK(ntohs(0x3412) == 0x1234);
    CHECK(htonl(0x12345678u) == 0x78563412u);
    CHECK(ntohl(0x78563412u) == 0x12345678u);
}

TEST_CASE("WSAWaitForMultipleEvents on events set by hand") {
    WinsockSession winsock;
    const WSAEVENT events[2] = {WSACreateEvent(), WSACreateEvent()};
    const WSAEVENT stale = WSACreateEvent();
    REQUIRE(WSACloseEvent(stale) == TRUE);

    CHECK(WSAWaitForMultipleEvents(0, events, FALSE, 0, FALSE) == WSA_WAIT_FAILED);
    CHECK(WSAGetLastError() == WSA_INVALID_PARAMETER);
    const WSAEVENT with_stale[2] = {events[0], stale};
    CHECK(WSAWaitForMultipleEvents(2, with_stale, FALSE, 0, FALSE) == WSA_WAIT_FAILED);
    CHECK(WSAGetLastError() == WSA_INVALID_HANDLE);

    CHECK(WSAWaitForMultipleEvents(2, events, FALSE, 10, FALSE) == WSA_WAIT_TIMEOUT);
    REQUIRE(WSASetEvent(events[1]) == TRUE);
    CHECK(WSAWaitForMultipleEvents(2, events, FALSE, 0, FALSE) == WSA_WAIT_EVENT_0 + 1);
    CHECK(WSAWaitForMultipleEvents(2, events, TRUE, 0, FALSE) == WSA_WAIT_TIMEOUT);
    REQUIRE(WSASetEvent(events[0]) == TRUE);
    CHECK(WSAWaitForMultipleEvents(2, events, TRUE, WSA_INFINITE, FALSE) == WSA_WAIT_EVENT_0);
    REQUIRE(WSAResetEvent(events[0]) == TRUE);
    CHECK(WSAWaitForMultipleEvents(1, events, FALSE, 0, FALSE) == WSA_WAIT_TIMEOUT);
    CHECK(SleepEx(3, TRUE) == 0);  // no routine queued
}

TEST_CASE("WSAGetOverlappedResult checks its arguments") {
    WinsockSession winsock;
    const SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    WSAOVERLAPPED overlapped{};
    DWORD bytes = 0;
    DWORD flags = 0;
    CHECK(WSAGetOverlappedResult(s, nullptr, &bytes, FALSE, &flags) == FALSE);
    CHECK(WSAGetLastError() == WSAEFAULT);
    CHECK(WSAGetOverlappedResult(s, &overlapped, nullptr, FALSE, &flags) == FALSE);
    CHECK(WSAGetLastError() == WSAEFAULT);
    CHECK(WSAGetOverlappedResult(0x99, &overlapped, &bytes, FALSE, &flags) == FALSE);
    CHECK(WSAGetLastError() == WSAENOTSOCK);
    overlapped.Internal = STATUS_PENDING;  // pending, but not by a request of ours
    CHECK(WSAGetOverlappedResult(s, &overlapped, &bytes, TRUE, &flags) == FALSE);
    CHECK(WSAGetLastError() == WSA_IO_INCOMPLETE);
}
