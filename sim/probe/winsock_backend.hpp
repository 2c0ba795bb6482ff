// A Backend served by the real Winsock and iphlpapi of the machine the probe runs
// on: the ground truth the model's [decision]s are compared with.
//
// Every trace process is a child process of the probe (child_process.hpp):
// `process PID` starts one, and each request goes to the child of the process that
// makes it (a socket's requests to the child that opened the socket, a persistent
// call to the child of its pid, a `wait` to the child that issued the request).
// So Windows itself tells what depends on which process asks: a runtime token
// acquired in one child and used on another child's socket is another process's
// token (SPEC §3 row 7, §4 row 5), and `exit PID` ends the child, whose sockets and
// runtime reservations Windows drops with it.
//
// Elevation: when the probe runs elevated, a trace process not marked `elevated`
// gets UAC's unelevated form of the probe's token; when it does not, no child can
// be elevated, and a process marked `elevated` runs unelevated (standard error
// says so).
//
// A request in the name of a process the trace never created (or that exited) is
// not made: no process exists to make it. It answers ERROR_INVALID_PARAMETER, what
// Windows' OpenProcess answers for a pid that names no process; a socket of an
// exited process answers WSAENOTSOCK, as any closed socket does.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "child_process.hpp"
#include "wsrsim/backend.hpp"

namespace wsrsim::probe {

class WinsockBackend final : public Backend {
public:
    WinsockBackend();
    // Ends the children, then deletes the persistent reservations the trace left
    // behind: they would otherwise outlive the probe, and reboots.
    ~WinsockBackend() override;
    WinsockBackend(const WinsockBackend&) = delete;
    WinsockBackend& operator=(const WinsockBackend&) = delete;

    std::string_view name() const override { return "windows"; }
    Outcome apply(const Request& request) override;

    // The names of the persistent functions iphlpapi lacks.
    const std::vector<std::string_view>& missing_functions() const { return persistent_.missing(); }

private:
    // A child's own socket handle or request id, and the pid of that child.
    struct Route {
        Pid pid;
        std::uint64_t id;
    };

    Outcome start_process(const req::CreateProcess& request);
    Outcome end_process(Pid pid);
    Outcome open_socket(const req::OpenSocket& request);
    template <class SocketRequest>
    Outcome on_socket(SocketRequest request);
    Outcome wait(const req::Wait& request);
    template <class PersistentRequest>
    Outcome persistent_call(const PersistentRequest& request);
    // The outcome from the child of `pid` (ERROR_INVALID_PARAMETER if there is none),
    // its request id replaced by one of the probe's if it pends.
    Outcome call(Pid pid, const ProcessRequest& request);

    bool elevated_;
    PersistentApi persistent_;  // the probe's own: reports what is missing, deletes what is left
    std::map<Pid, ChildProcess> children_;
    std::map<SocketHandle, Route> sockets_;
    SocketHandle next_socket_ = 1;
    std::map<RequestId, Route> requests_;  // overlapped requests not yet waited for
    RequestId next_request_ = 1;
    std::vector<std::pair<Transport, PortBlock>> created_;  // persistent blocks not yet deleted
};

}  // namespace wsrsim::probe
