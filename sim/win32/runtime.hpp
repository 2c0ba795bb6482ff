// The process-wide state behind the Windows API: the model host (the one global
// of the project, owned by this layer), the model process the program plays, and
// what Winsock keeps that the model does not: bound addresses, event objects,
// overlapped requests and the completion routines waiting for an alertable wait.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "recorder.hpp"
#include "setup.hpp"
#include "wsrsim/host.hpp"
#include "wsrsim/netsh_import.hpp"

#include <winsock2.h>

namespace wsrsim::win32 {

// The model process the program plays until wsrsim_win32_use_process says otherwise.
inline constexpr Pid first_pid = 1000;

inline int code_of(Error error) { return static_cast<int>(error); }

// WSAGetLastError's value, one per thread.
int last_error();
void set_last_error(int code);

// Sets the calling thread's last error and gives the API's failure value.
template <class Result>
Result fail(int code, Result result) {
    set_last_error(code);
    return result;
}

enum class Ioctl : std::uint8_t { acquire, associate, release };

// A reservation IOCTL as the model takes it.
struct IoctlRequest {
    Ioctl ioctl;
    PortBlock block;  // acquire
    Token token;      // associate, release
};

// Where an overlapped request reports its completion.
struct Completion {
    WSAOVERLAPPED* overlapped;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;  // null: signal overlapped->hEvent instead
    void* output;                                // ACQUIRE's INET_PORT_RESERVATION_INSTANCE
};

// An overlapped request the model has queued.
struct PendingIoctl {
    RequestId request;
    Ioctl ioctl;
    Completion completion;
    std::thread::id issuer;  // the thread whose alertable wait runs the routine
};

// A completion routine waiting for its thread's next alertable wait.
struct CompletionCall {
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
    DWORD error;
    DWORD bytes;
    WSAOVERLAPPED* overlapped;

    void run() const { routine(error, bytes, overlapped, 0); }
};

// ACQUIRE's output: INET_PORT_RESERVATION_INSTANCE, start port in network byte order.
void write_reservation(void* output, const Outcome& outcome);
DWORD bytes_of(Ioctl ioctl);

class Runtime {
public:
    // A host as `setup` says, starting from the `imported` netsh tables if any.
    Runtime(const Setup& setup, const trace::ImportedTables* imported,
            std::unique_ptr<std::ostream> record);
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    Host& host() { return host_; }
    Recorder& recorder() { return recorder_; }
    Pid pid() const { return pid_; }
    bool elevated() const;
    Error use_process(Pid pid, bool elevated);

    // Sockets. require_open records `call` as refused when `socket` is not open.
    bool require_open(SOCKET socket, std::string_view call);
    Outcome open_socket(SocketKind kind, SocketOptions options);
    Error close_socket(SOCKET socket);
    void close_all_sockets();
    // `name` is the caller's address, of the socket's family; getsockname gives it
    // back with the port the model chose.
    Outcome bind(SOCKET socket, const SOCKADDR* name, std::size_t name_size);
    Outcome getsockname(SOCKET socket, SOCKADDR_STORAGE& name);

    // A reservation IOCTL; with a completion it is overlapped and may pend.
    Outcome ioctl(SOCKET socket, const IoctlRequest& request, const Completion* completion);

    // Overlapped requests and the virtual clock. Every call that may complete a
    // request delivers it: output written, OVERLAPPED updated, event signalled or
    // routine queued.
    const PendingIoctl* pending(const WSAOVERLAPPED* overlapped) const;
    template <class Predicate>
    std::optional<Nanos> first_completion(Predicate matters) const;
    void wait(RequestId request);
    void advance_to(Nanos time);
    bool has_completion_calls(std::thread::id thread) const;
    std::vector<CompletionCall> take_completion_calls(std::thread::id thread);

    // Event objects: manual-reset, created unsignalled.
    WSAEVENT create_event();
    bool close_event(WSAEVENT event);
    bool set_event(WSAEVENT event, bool signalled);
    std::optional<bool> is_signalled(WSAEVENT event) const;

private:
    void deliver_completions();
    void deliver(const PendingIoctl& pending, const Outcome& outcome);

    Host host_;
    Recorder recorder_;
    std::string name_;  // the program's name, for the model's processes
    Pid pid_ = first_pid;
    std::map<SOCKET, SOCKADDR_STORAGE> sockets_;  // open ones; the name once bound
    std::vector<PendingIoctl> pending_;           // in issue order
    std::map<std::thread::id, std::vector<CompletionCall>> completion_calls_;
    std::map<std::uintptr_t, bool> events_;  // signalled?
    std::uintptr_t last_event_ = 0;          // handles are never reused
};

template <class Predicate>
std::optional<Nanos> Runtime::first_completion(Predicate matters) const {
    std::optional<Nanos> first;
    for (const PendingIoctl& pending : pending_) {
        if (!matters(pending)) continue;
        const Nanos time = host_.request(pending.request)->completes_at;
        if (!first || time < *first) first = time;
    }
    return first;
}

struct ProcessState;

// The process-wide state, locked for the length of one API call.
class Session {
public:
    Session();
    // Null until some call has created the host.
    Runtime* runtime() const;
    // Creates the host from the environment on first use; when the environment
    // is unusable, says why on stderr once and gives null from then on.
    Runtime* runtime_or_create();
    // Null unless WSAStartup calls outnumber WSACleanup calls.
    Runtime* winsock() const;
    void startup();
    // True when this was the last WSACleanup owed.
    bool cleanup();

private:
    ProcessState& state_;
    std::unique_lock<std::mutex> lock_;
};

}  // namespace wsrsim::win32
