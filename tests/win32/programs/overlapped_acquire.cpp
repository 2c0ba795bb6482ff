// Overlapped SIO_ACQUIRE_PORT_RESERVATION on the virtual clock (SPEC §6): completed
// through an event, through a completion routine run by an alertable wait, and
// aborted by closesocket. Runs with WSRSIM_POLICY=latency=1000000: each request
// completes 1 ms of virtual time after it is issued.
#include <winsock2.h>
#include <mstcpip.h>

#include "check.h"

namespace {

struct RoutineCall {
    DWORD error;
    DWORD bytes;
    LPWSAOVERLAPPED overlapped;
};
RoutineCall last_call{};
int routine_calls = 0;

void CALLBACK on_completion(DWORD dwError, DWORD cbTransferred, LPWSAOVERLAPPED lpOverlapped,
                            DWORD dwFlags) {
    CHECK_EQ(dwFlags, 0);
    last_call = RoutineCall{dwError, cbTransferred, lpOverlapped};
    ++routine_calls;
}

struct Acquire {
    INET_PORT_RANGE range{};
    INET_PORT_RESERVATION_INSTANCE reservation{};
    WSAOVERLAPPED overlapped{};

    Acquire(USHORT start, USHORT count) {
        range.StartPort = htons(start);
        range.NumberOfPorts = count;
    }

    // Issues it; an overlapped request always pends first.
    void issue(SOCKET s, LPWSAOVERLAPPED_COMPLETION_ROUTINE routine) {
        CHECK_EQ(WSAIoctl(s, SIO_ACQUIRE_PORT_RESERVATION, &range, sizeof range, &reservation,
                          sizeof reservation, nullptr, &overlapped, routine),
                 SOCKET_ERROR);
        CHECK_EQ(WSAGetLastError(), WSA_IO_PENDING);
        CHECK_TRUE(!HasOverlappedIoCompleted(&overlapped));
    }
};

void completes_through_an_event() {
    SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    WSAEVENT event = WSACreateEvent();
    CHECK_TRUE(event != WSA_INVALID_EVENT);
    CHECK_EQ(WSASetEvent(event), TRUE);  // cleared when the request starts

    Acquire acquire(6000, 10);
    acquire.overlapped.hEvent = event;
    acquire.issue(s, nullptr);
    DWORD bytes = 0;
    DWORD flags = 0;
    CHECK_EQ(WSAGetOverlappedResult(s, &acquire.overlapped, &bytes, FALSE, &flags), FALSE);
    CHECK_EQ(WSAGetLastError(), WSA_IO_INCOMPLETE);
    CHECK_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, 0, FALSE), WSA_WAIT_TIMEOUT);

    CHECK_EQ(WSAWaitForMultipleEvents(1, &event, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0);
    CHECK_TRUE(HasOverlappedIoCompleted(&acquire.overlapped));
    CHECK_EQ(WSAGetOverlappedResult(s, &acquire.overlapped, &bytes, FALSE, &flags), TRUE);
    CHECK_EQ(bytes, sizeof(INET_PORT_RESERVATION_INSTANCE));
    CHECK_EQ(ntohs(acquire.reservation.Reservation.StartPort), 6000);
    CHECK_EQ(acquire.reservation.Reservation.NumberOfPorts, 10);
    CHECK_TRUE(acquire.reservation.Token.Token != INVALID_PORT_RESERVATION_TOKEN);

    // WSAGetOverlappedResult with fWait = TRUE waits for the completion itself;
    // the block is taken now, so this one fails as it completes.
    Acquire again(6005, 1);
    CHECK_EQ(WSAResetEvent(event), TRUE);
    again.overlapped.hEvent = event;
    again.issue(s, nullptr);
    CHECK_EQ(WSAGetOverlappedResult(s, &again.overlapped, &bytes, TRUE, &flags), FALSE);
    CHECK_EQ(WSAGetLastError(), WSAEADDRINUSE);
    CHECK_EQ(bytes, 0);

    CHECK_EQ(WSACloseEvent(event), TRUE);
    CHECK_EQ(WSACloseEvent(event), FALSE);
    CHECK_EQ(WSAGetLastError(), WSA_INVALID_HANDLE);
    CHECK_EQ(closesocket(s), 0);
}

void completes_through_a_routine() {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    Acquire acquire(0, 100);  // a wildcard block of the dynamic range
    int context = 0;
    acquire.overlapped.hEvent = &context;  // the application's own, with a routine
    routine_calls = 0;
    acquire.issue(s, on_completion);

    CHECK_EQ(SleepEx(0, TRUE), 0);   // not due yet
    CHECK_EQ(SleepEx(5, FALSE), 0);  // due, but a non-alertable wait runs no routine
    CHECK_EQ(routine_calls, 0);
    CHECK_TRUE(HasOverlappedIoCompleted(&acquire.overlapped));
    CHECK_EQ(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(routine_calls, 1);
    CHECK_EQ(last_call.error, 0);
    CHECK_EQ(last_call.bytes, sizeof(INET_PORT_RESERVATION_INSTANCE));
    CHECK_TRUE(last_call.overlapped == &acquire.overlapped);
    CHECK_TRUE(acquire.overlapped.hEvent == &context);
    const USHORT start = ntohs(acquire.reservation.Reservation.StartPort);
    CHECK_TRUE(start >= 49152 && start + 99 <= 65535);
    CHECK_EQ(acquire.reservation.Reservation.NumberOfPorts, 100);

    // An alertable WSAWaitForMultipleEvents runs routines too.
    Acquire next(0, 1);
    next.issue(s, on_completion);
    WSAEVENT unused = WSACreateEvent();
    CHECK_EQ(WSAWaitForMultipleEvents(1, &unused, FALSE, WSA_INFINITE, TRUE),
             WSA_WAIT_IO_COMPLETION);
    CHECK_EQ(routine_calls, 2);
    CHECK_TRUE(last_call.overlapped == &next.overlapped);
    CHECK_EQ(WSACloseEvent(unused), TRUE);
    CHECK_EQ(closesocket(s), 0);
}

void aborted_by_closesocket() {
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    WSAEVENT event = WSACreateEvent();
    Acquire signalled(7000, 5);
    signalled.overlapped.hEvent = event;
    signalled.issue(s, nullptr);
    Acquire routed(7100, 5);
    routine_calls = 0;
    routed.issue(s, on_completion);

    CHECK_EQ(closesocket(s), 0);
    CHECK_EQ(WSAWaitForMultipleEvents(1, &event, TRUE, 0, FALSE), WSA_WAIT_EVENT_0);
    CHECK_EQ(signalled.overlapped.Internal, WSA_OPERATION_ABORTED);
    DWORD bytes = 0;
    DWORD flags = 0;
    CHECK_EQ(WSAGetOverlappedResult(s, &signalled.overlapped, &bytes, FALSE, &flags), FALSE);
    CHECK_EQ(WSAGetLastError(), WSAENOTSOCK);  // the handle is gone
    CHECK_EQ(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(routine_calls, 1);
    CHECK_EQ(last_call.error, WSA_OPERATION_ABORTED);
    CHECK_EQ(last_call.bytes, 0);

    // Nothing was reserved: the blocks are free.
    SOCKET other = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    Acquire free_block(7000, 5);
    DWORD returned = 0;
    CHECK_EQ(WSAIoctl(other, SIO_ACQUIRE_PORT_RESERVATION, &free_block.range,
                      sizeof free_block.range, &free_block.reservation,
                      sizeof free_block.reservation, &returned, nullptr, nullptr),
             0);
    CHECK_EQ(returned, sizeof(INET_PORT_RESERVATION_INSTANCE));
    CHECK_EQ(WSACloseEvent(event), TRUE);
    CHECK_EQ(closesocket(other), 0);
}

}  // namespace

int wmain(int, wchar_t**) {
    WSADATA data;
    CHECK_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
    completes_through_an_event();
    completes_through_a_routine();
    aborted_by_closesocket();
    CHECK_EQ(WSACleanup(), 0);
    return check_result();
}
