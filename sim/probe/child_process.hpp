// A trace process on Windows: a copy of the probe started in its hidden serve mode
// (`wsrsim-probe.exe --serve`), which makes that process's requests itself
// (WinsockProcess), so that Windows sees them come from a process of their own.
//
// The protocol, over the child's standard input and output (anonymous pipes, the
// only handles it inherits), is fixed binary records: the bytes of the objects
// themselves, which both ends read alike because they are the same executable.
//   child -> parent, once at start: an Outcome whose error is WSAStartup's code
//            (NO_ERROR: ready for requests).
//   parent -> child: a ProcessRequest; child -> parent: its Outcome. One at a time,
//            so neither end ever waits for the other while holding unread data.
//   The parent ends the child by closing its standard input: the serve loop sees
//   the end of input and the process exits, and Windows closes its sockets, and
//   with them its runtime reservations, as at any process's exit.
// Socket handles and request ids in the records are the child's own numbers.
#pragma once

#include <memory>

#include "winsock_process.hpp"

namespace wsrsim::probe {

// What a request to a child answers once its pipe is broken (the child died).
inline constexpr Error broken_pipe = static_cast<Error>(ERROR_BROKEN_PIPE);

struct HandleCloser {
    void operator()(HANDLE handle) const { CloseHandle(handle); }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

// The parent's end of one child.
class ChildProcess {
public:
    explicit ChildProcess(Pid pid) : pid_(pid) {}  // the trace's pid, for messages
    // Ends the child and waits for it to exit, so that its sockets are gone before
    // the trace goes on.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Starts the child with the probe's own token, or with UAC's unelevated form
    // of it. NO_ERROR once the child is ready; otherwise why it is not.
    Error start(bool unelevated);
    // The child's answer. If the child no longer answers, says so on standard error
    // once, and this and every later request answer broken_pipe.
    Outcome call(const ProcessRequest& request);

private:
    Pid pid_;
    UniqueHandle process_;
    UniqueHandle to_child_;    // its standard input
    UniqueHandle from_child_;  // its standard output
    bool broken_ = false;
};

// The child's side: serves the parent's requests on standard input and output
// until the parent closes them. The exit code of `wsrsim-probe.exe --serve`.
int serve_parent();

// Whether the probe itself runs elevated.
bool running_elevated();

}  // namespace wsrsim::probe
