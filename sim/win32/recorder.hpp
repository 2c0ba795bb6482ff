// WSRSIM_RECORD: every call that reaches the model becomes a line of trace format
// version 1 (SPEC §11) with its outcome as the expectation, so `wsrsim replay`
// reproduces the run. Calls the Windows API layer refuses before the model (a
// buffer fault, an unknown handle) become comment lines: they change nothing.
#pragma once

#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "setup.hpp"
#include "wsrsim/host.hpp"
#include "wsrsim/request.hpp"

namespace wsrsim::win32 {

class Recorder {
public:
    // Without a stream it keeps names but writes nothing.
    Recorder(const Host& host, std::unique_ptr<std::ostream> out);

    void start(const Setup& setup);
    // A request made through the trace layer's Backend interface (the netsh
    // importer's), as the line that makes it.
    void request(const Request& request, const Outcome& outcome);
    void dynamic(Transport transport, std::uint32_t start, std::uint32_t count, Error error);
    void process(Pid pid, bool elevated, std::string_view name, Error error);
    // A socket the model opened gets the next name; one it refused gets one too,
    // on a line that expects the refusal.
    void socket(Pid pid, SocketKind kind, SocketOptions options, const Outcome& outcome);
    void close(SocketHandle socket, Error error);
    void bind(SocketHandle socket, Port port, const Outcome& outcome);
    void getsockname(SocketHandle socket, const Outcome& outcome);
    void acquire(SocketHandle socket, PortBlock block, const Outcome& outcome);
    void associate(SocketHandle socket, Token token, const Outcome& outcome);
    void release(SocketHandle socket, Token token, const Outcome& outcome);
    // An overlapped request's outcome, once it has completed: a `wait` line.
    void completed(RequestId request, const Outcome& outcome);
    void persist_create(Pid pid, Transport transport, PortBlock block, const Outcome& outcome);
    void persist_lookup(Pid pid, Transport transport, PortBlock block, const Outcome& outcome);
    void persist_delete(Pid pid, Transport transport, PortBlock block, Error error);
    // A call refused before the model, e.g. "WSAIoctl s1 SIO_ACQUIRE_PORT_RESERVATION".
    void refused(std::string_view call, int code);

    // The trace's name of a socket ("s1"), or its handle if it has none.
    std::string socket_name(SocketHandle socket) const;

private:
    void write(const std::string& line);
    void token_request(std::string_view command, SocketHandle socket, Token token,
                       const Outcome& outcome);
    // "as t1", "async as w1" or nothing: names what the request gives.
    std::string naming(const Outcome& outcome, char prefix);
    std::string token_operand(Token token) const;

    const Host& host_;
    std::unique_ptr<std::ostream> out_;
    Nanos clock_ = 0;  // the time of the last line written
    std::map<SocketHandle, std::string> sockets_;
    unsigned sockets_named_ = 0;
    std::map<Token, std::string> tokens_;
    std::map<RequestId, std::string> requests_;
    unsigned named_ = 0;  // variables named so far, for unique names
};

}  // namespace wsrsim::win32
