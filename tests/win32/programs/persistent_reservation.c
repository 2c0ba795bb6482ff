// A persistent reservation made by an administrator and consumed by another
// process: create, lookup, associate, bind port 0, delete (SPEC §3, §5, §8).
// Runs with WSRSIM_ELEVATED=1, so that the first process (1000) is elevated.
#include <string.h>

#include <winsock2.h>
#include <iphlpapi.h>
#include <mstcpip.h>
#include <wsrsim_win32.h>

#include "check.h"

static struct sockaddr_in any_port(void) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = INADDR_ANY;
    address.sin_port = 0;
    return address;
}

static USHORT bound_port(SOCKET s) {
    struct sockaddr_in name;
    int length = sizeof name;
    CHECK_EQ(getsockname(s, (struct sockaddr*)&name, &length), 0);
    CHECK_EQ(length, sizeof name);
    return ntohs(name.sin_port);
}

int wmain(int argc, wchar_t** argv) {
    (void)argc;
    (void)argv;
    WSADATA data;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);

    ULONG64 token = INVALID_PORT_RESERVATION_TOKEN;
    CHECK_EQ(CreatePersistentTcpPortReservation(htons(50000), 60, &token), NO_ERROR);
    CHECK_TRUE(token != INVALID_PORT_RESERVATION_TOKEN);
    CHECK_EQ(CreatePersistentTcpPortReservation(htons(50059), 1, &token), ERROR_SHARING_VIOLATION);

    // A second, elevated process finds the block by its ports.
    CHECK_EQ(wsrsim_win32_use_process(2000, TRUE), NO_ERROR);
    ULONG64 found = INVALID_PORT_RESERVATION_TOKEN;
    CHECK_EQ(LookupPersistentTcpPortReservation(htons(50000), 60, &found), NO_ERROR);
    CHECK_EQ(found, token);
    CHECK_EQ(LookupPersistentUdpPortReservation(htons(50000), 60, &found), ERROR_NOT_FOUND);

    SOCKET first = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKET second = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    CHECK_TRUE(first != INVALID_SOCKET && second != INVALID_SOCKET);
    DWORD bytes = 99;
    CHECK_EQ(WSAIoctl(first, SIO_ASSOCIATE_PORT_RESERVATION, &found, sizeof found, NULL, 0, &bytes,
                      NULL, NULL),
             0);
    CHECK_EQ(bytes, 0);
    CHECK_EQ(WSAIoctl(second, SIO_ASSOCIATE_PORT_RESERVATION, &found, sizeof found, NULL, 0, &bytes,
                      NULL, NULL),
             0);
    struct sockaddr_in address = any_port();
    CHECK_EQ(bind(first, (struct sockaddr*)&address, sizeof address), 0);
    CHECK_EQ(bound_port(first), 50000);
    CHECK_EQ(bind(second, (struct sockaddr*)&address, sizeof address), 0);
    CHECK_EQ(bound_port(second), 50001);

    // Only an administrator deletes it; bound sockets keep their ports.
    CHECK_EQ(wsrsim_win32_use_process(1000, TRUE), NO_ERROR);
    CHECK_EQ(DeletePersistentTcpPortReservation(htons(50000), 59), ERROR_NOT_FOUND);
    CHECK_EQ(DeletePersistentTcpPortReservation(htons(50000), 60), NO_ERROR);
    CHECK_EQ(LookupPersistentTcpPortReservation(htons(50000), 60, &found), ERROR_NOT_FOUND);
    CHECK_EQ(bound_port(first), 50000);

    CHECK_EQ(closesocket(first), 0);
    CHECK_EQ(closesocket(second), 0);
    CHECK_EQ(WSACleanup(), 0);
    return check_result();
}
