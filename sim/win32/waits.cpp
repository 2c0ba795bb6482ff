// Event objects, overlapped results and waits, all on the model's virtual clock:
// a wait advances the clock to the completion that ends it, and never blocks.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "runtime.hpp"

#include <winsock2.h>

using namespace wsrsim;
using namespace wsrsim::win32;

namespace {

std::optional<Nanos> deadline_after(Nanos now, DWORD milliseconds) {
    if (milliseconds == INFINITE) return std::nullopt;
    return now + Nanos{milliseconds} * 1'000'000;
}

[[noreturn]] void wait_forever(const char* caller) {
    std::fprintf(stderr, "wsrsim-win32: %s would wait forever: no pending request can end it\n",
                 caller);
    std::abort();
}

struct WaitResult {
    DWORD result;
    std::vector<CompletionCall> calls;  // to run once the state is unlocked
};

// Runs a thread's completion routines outside the lock: they may call the API.
DWORD finish(WaitResult wait) {
    for (const CompletionCall& call : wait.calls) call.run();
    return wait.result;
}

// Advances the clock one completion at a time: after each, `satisfied` may give the
// wait's result; when alertable, queued completion routines end it; past the
// deadline it times out. A wait nothing can end never returns (decisions.hpp).
template <class Satisfied, class EndsWait>
WaitResult wait_on_clock(Runtime& runtime, std::optional<Nanos> deadline, bool alertable,
                         Satisfied satisfied, EndsWait ends_wait, const char* caller) {
    const std::thread::id thread = std::this_thread::get_id();
    for (;;) {
        if (const std::optional<DWORD> result = satisfied()) return {*result, {}};
        if (alertable && runtime.has_completion_calls(thread))
            return {WAIT_IO_COMPLETION, runtime.take_completion_calls(thread)};
        const auto next = runtime.first_completion([&](const PendingIoctl& pending) {
            return pending.completion.routine ? alertable && pending.issuer == thread
                                              : ends_wait(pending.completion.overlapped->hEvent);
        });
        if (next && (!deadline || *next <= *deadline)) {
            runtime.advance_to(*next);
            continue;
        }
        if (!deadline) wait_forever(caller);
        runtime.advance_to(*deadline);
        return {WAIT_TIMEOUT, {}};
    }
}

}  // namespace

extern "C" {

WSAEVENT WSACreateEvent(void) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return fail(WSANOTINITIALISED, WSA_INVALID_EVENT);
    return runtime->create_event();
}

BOOL WSACloseEvent(WSAEVENT hEvent) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return fail(WSANOTINITIALISED, FALSE);
    return runtime->close_event(hEvent) ? TRUE : fail(WSA_INVALID_HANDLE, FALSE);
}

BOOL WSASetEvent(WSAEVENT hEvent) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return fail(WSANOTINITIALISED, FALSE);
    return runtime->set_event(hEvent, true) ? TRUE : fail(WSA_INVALID_HANDLE, FALSE);
}

BOOL WSAResetEvent(WSAEVENT hEvent) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return fail(WSANOTINITIALISED, FALSE);
    return runtime->set_event(hEvent, false) ? TRUE : fail(WSA_INVALID_HANDLE, FALSE);
}

// The OVERLAPPED carries a delivered request's result (runtime.hpp); a pending
// one is waited for on the virtual clock. A closed socket is no socket any more,
// so a request aborted by closesocket is seen through its event or routine.
BOOL WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                            BOOL fWait, LPDWORD lpdwFlags) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return fail(WSANOTINITIALISED, FALSE);
    if (!runtime->host().socket(s)) return fail(WSAENOTSOCK, FALSE);
    if (!lpOverlapped || !lpcbTransfer || !lpdwFlags) return fail(WSAEFAULT, FALSE);
    if (const PendingIoctl* pending = runtime->pending(lpOverlapped)) {
        if (!fWait) return fail(WSA_IO_INCOMPLETE, FALSE);
        runtime->wait(pending->request);
    } else if (lpOverlapped->Internal == STATUS_PENDING) {
        return fail(WSA_IO_INCOMPLETE, FALSE);  // marked pending, but by no request of ours
    }
    *lpcbTransfer = static_cast<DWORD>(lpOverlapped->InternalHigh);
    *lpdwFlags = 0;
    if (lpOverlapped->Internal != NO_ERROR)
        return fail(static_cast<int>(lpOverlapped->Internal), FALSE);
    return TRUE;
}

DWORD WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                               DWORD dwTimeout, BOOL fAlertable) {
    WaitResult wait;
    {
        Session session;
        Runtime* runtime = session.winsock();
        if (!runtime) return fail(WSANOTINITIALISED, WSA_WAIT_FAILED);
        if (cEvents == 0 || cEvents > WSA_MAXIMUM_WAIT_EVENTS || !lphEvents)
            return fail(WSA_INVALID_PARAMETER, WSA_WAIT_FAILED);
        const std::span<const WSAEVENT> events(lphEvents, cEvents);
        const auto valid = [&](WSAEVENT event) { return runtime->is_signalled(event).has_value(); };
        if (!std::ranges::all_of(events, valid)) return fail(WSA_INVALID_HANDLE, WSA_WAIT_FAILED);

        const auto signalled = [&](WSAEVENT event) { return *runtime->is_signalled(event); };
        const auto satisfied = [&]() -> std::optional<DWORD> {
            if (fWaitAll) {
                if (std::ranges::all_of(events, signalled)) return WSA_WAIT_EVENT_0;
                return std::nullopt;
            }
            const auto first = std::ranges::find_if(events, signalled);
            if (first == events.end()) return std::nullopt;
            return WSA_WAIT_EVENT_0 + static_cast<DWORD>(first - events.begin());
        };
        const auto waited_for = [&](WSAEVENT event) {
            return std::ranges::count(events, event) != 0;
        };
        wait = wait_on_clock(*runtime, deadline_after(runtime->host().now(), dwTimeout), fAlertable,
                             satisfied, waited_for, "WSAWaitForMultipleEvents");
    }
    return finish(std::move(wait));
}

DWORD SleepEx(DWORD dwMilliseconds, BOOL bAlertable) {
    WaitResult wait{0, {}};
    {
        Session session;
        // SleepEx is kernel32's: it needs no WSAStartup. Before any host exists
        // there is no clock to move and no request to wait for.
        Runtime* runtime = session.runtime();
        const auto never = []() -> std::optional<DWORD> { return std::nullopt; };
        const auto no_event = [](WSAEVENT) { return false; };
        if (runtime) {
            wait = wait_on_clock(*runtime, deadline_after(runtime->host().now(), dwMilliseconds),
                                 bAlertable, never, no_event, "SleepEx");
            if (wait.result == WAIT_TIMEOUT) wait.result = 0;
        } else if (dwMilliseconds == INFINITE) {
            wait_forever("SleepEx");
        }
    }
    return finish(std::move(wait));
}

}  // extern "C"
