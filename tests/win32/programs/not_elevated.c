// A caller that is not elevated (SPEC §3 row 8, §8): persistent reservations
// cannot be made or deleted (ERROR_ACCESS_DENIED) nor associated (WSAEACCES),
// though they can be looked up; raw sockets need elevation too.
#include <winsock2.h>
#include <iphlpapi.h>
#include <mstcpip.h>
#include <wsrsim_win32.h>

#include "check.h"

int wmain(int argc, wchar_t** argv) {
    (void)argc;
    (void)argv;
    WSADATA data;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);

    ULONG64 token = INVALID_PORT_RESERVATION_TOKEN;
    CHECK_EQ(CreatePersistentUdpPortReservation(htons(50100), 10, &token), ERROR_ACCESS_DENIED);
    CHECK_EQ(token, INVALID_PORT_RESERVATION_TOKEN);
    CHECK_EQ(CreatePersistentUdpPortReservation(htons(50100), 10, NULL), ERROR_INVALID_PARAMETER);
    CHECK_EQ(socket(AF_INET, SOCK_RAW, IPPROTO_RAW), INVALID_SOCKET);
    CHECK_EQ(WSAGetLastError(), WSAEACCES);

    // An administrator's process makes the reservation ...
    CHECK_EQ(wsrsim_win32_use_process(3000, TRUE), NO_ERROR);
    CHECK_EQ(CreatePersistentUdpPortReservation(htons(50100), 10, &token), NO_ERROR);

    // ... which the first process, not elevated, finds but may not use or delete.
    CHECK_EQ(wsrsim_win32_use_process(1000, FALSE), NO_ERROR);
    ULONG64 found = INVALID_PORT_RESERVATION_TOKEN;
    CHECK_EQ(LookupPersistentUdpPortReservation(htons(50100), 10, &found), NO_ERROR);
    CHECK_EQ(found, token);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    DWORD bytes = 0;
    CHECK_EQ(WSAIoctl(s, SIO_ASSOCIATE_PORT_RESERVATION, &found, sizeof found, NULL, 0, &bytes,
                      NULL, NULL),
             SOCKET_ERROR);
    CHECK_EQ(WSAGetLastError(), WSAEACCES);
    CHECK_EQ(DeletePersistentUdpPortReservation(htons(50100), 10), ERROR_ACCESS_DENIED);

    CHECK_EQ(closesocket(s), 0);
    CHECK_EQ(WSACleanup(), 0);
    return check_result();
}
