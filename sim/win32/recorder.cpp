#include "recorder.hpp"

#include "wsrsim/error.hpp"
#include "wsrsim/trace_reader.hpp"

namespace wsrsim::win32 {
namespace {

template <class... Visitors>
struct Overloaded : Visitors... {
    using Visitors::operator()...;
};

std::string code_name(int code) {
    if (const auto known = parse_error(std::to_string(code)))
        return std::string(error_name(*known));
    return std::to_string(code);
}

// "ok start=5000 count=20 token=N", "pending" or the error's name (SPEC §11).
std::string expectation(const Outcome& outcome) {
    if (outcome.error == Error::io_pending) return "pending";
    if (!outcome.ok()) return code_name(static_cast<int>(outcome.error));
    std::string text = "ok";
    if (outcome.block.count != 0)
        text += " start=" + std::to_string(outcome.block.start) +
                " count=" + std::to_string(outcome.block.count);
    if (outcome.port != 0) text += " port=" + std::to_string(outcome.port);
    if (outcome.token != invalid_token) text += " token=" + std::to_string(outcome.token);
    return text;
}

std::string block_operands(PortBlock block) {
    return std::to_string(block.start) + ' ' + std::to_string(block.count);
}

std::string persist_operands(Pid pid, Transport transport, PortBlock block) {
    return std::to_string(pid) + ' ' + std::string(transport_name(transport)) + ' ' +
           block_operands(block);
}

}  // namespace

Recorder::Recorder(const Host& host, std::unique_ptr<std::ostream> out)
    : host_(host), out_(std::move(out)) {}

void Recorder::write(const std::string& line) {
    if (!out_) return;
    // The model's clock moved since the last line (a wait, a sleep): replay sets it
    // there before this line, which completes the same requests in the same order.
    if (host_.now() != clock_) {
        clock_ = host_.now();
        *out_ << '@' << clock_ << ' ';
    }
    // Flushed line by line, so a program that crashes still leaves its trace.
    *out_ << line << std::endl;
}

void Recorder::start(const Setup& setup) {
    write("# wsrsim trace 1");
    write("# recorded by libwsrsim-win32");
    write("seed " + std::to_string(setup.host.seed));
    std::string caps;
    for (const trace::LimitCap& known : trace::limit_caps)
        if (const std::size_t cap = setup.host.limits.*known.cap; cap != SIZE_MAX)
            caps += ' ' + std::string(known.name) + '=' + std::to_string(cap);
    if (!caps.empty()) write("limits" + caps);
    const Policies& policies = setup.host.policies;
    write("policy wildcard=" + std::string(placement_name(policies.wildcard)) +
          " ephemeral=" + std::string(ephemeral_name(policies.ephemeral)) +
          " latency=" + std::to_string(policies.latency));
    if (!setup.host_table.empty()) write("# the host of WSRSIM_HOST=" + setup.host_table + ":");
}

void Recorder::request(const Request& request, const Outcome& outcome) {
    std::visit(
        Overloaded{
            [&](const req::SetDynamicRange& r) {
                dynamic(r.transport, r.start, r.count, outcome.error);
            },
            [&](const req::CreateProcess& r) { process(r.pid, r.elevated, r.name, outcome.error); },
            [&](const req::OpenSocket& r) { socket(r.pid, r.kind, r.options, outcome); },
            [&](const req::CloseSocket& r) { close(r.socket, outcome.error); },
            [&](const req::Acquire& r) { acquire(r.socket, r.block, outcome); },
            [&](const req::PersistCreate& r) {
                persist_create(r.caller, r.transport, r.block, outcome);
            },
            // The importer makes no other request; should it one day, the trace
            // says what it left out rather than drop it silently.
            [&](const auto&) {
                write("# " + std::string(trace::request_kind_name(request.index())) +
                      " (not recorded)");
            },
        },
        request);
}

void Recorder::dynamic(Transport transport, std::uint32_t start, std::uint32_t count, Error error) {
    write("dynamic " + std::string(transport_name(transport)) + ' ' + std::to_string(start) + ' ' +
          std::to_string(count) + " => " + expectation(failure(error)));
}

void Recorder::process(Pid pid, bool elevated, std::string_view name, Error error) {
    write("process " + std::to_string(pid) + (elevated ? " elevated" : "") + " name=" + std::string(name) +
          (error == Error::ok ? "" : " => " + expectation(failure(error))));
}

void Recorder::socket(Pid pid, SocketKind kind, SocketOptions options, const Outcome& outcome) {
    const std::string name = 's' + std::to_string(++sockets_named_);
    if (outcome.ok()) sockets_[outcome.socket] = name;
    write("socket " + std::to_string(pid) + ' ' + name + ' ' + std::string(socket_kind_name(kind)) +
          (options.family == Family::v6 ? " v6" : "") + (options.overlapped ? "" : " nonoverlapped") +
          (outcome.ok() ? "" : " => " + expectation(outcome)));
}

void Recorder::close(SocketHandle socket, Error error) {
    write("close " + socket_name(socket) + " => " + expectation(failure(error)));
}

void Recorder::bind(SocketHandle socket, Port port, const Outcome& outcome) {
    write("bind " + socket_name(socket) + ' ' + std::to_string(port) + " => " +
          expectation(outcome));
}

void Recorder::getsockname(SocketHandle socket, const Outcome& outcome) {
    write("getsockname " + socket_name(socket) + " => " + expectation(outcome));
}

void Recorder::acquire(SocketHandle socket, PortBlock block, const Outcome& outcome) {
    write("acquire " + socket_name(socket) + ' ' + block_operands(block) + naming(outcome, 't') +
          " => " + expectation(outcome));
}

void Recorder::associate(SocketHandle socket, Token token, const Outcome& outcome) {
    token_request("associate", socket, token, outcome);
}

void Recorder::release(SocketHandle socket, Token token, const Outcome& outcome) {
    token_request("release", socket, token, outcome);
}

void Recorder::token_request(std::string_view command, SocketHandle socket, Token token,
                             const Outcome& outcome) {
    write(std::string(command) + ' ' + socket_name(socket) + ' ' + token_operand(token) +
          naming(outcome, 't') + " => " + expectation(outcome));
}

void Recorder::completed(RequestId request, const Outcome& outcome) {
    const auto named = requests_.find(request);
    if (named == requests_.end()) return;
    // After `wait VAR`, $VAR is the token the request gave.
    if (outcome.token != invalid_token) tokens_[outcome.token] = named->second;
    write("wait " + named->second + " => " + expectation(outcome));
    requests_.erase(named);
}

void Recorder::persist_create(Pid pid, Transport transport, PortBlock block,
                              const Outcome& outcome) {
    write("persist-create " + persist_operands(pid, transport, block) + naming(outcome, 'p') +
          " => " + expectation(outcome));
}

void Recorder::persist_lookup(Pid pid, Transport transport, PortBlock block,
                              const Outcome& outcome) {
    write("persist-lookup " + persist_operands(pid, transport, block) + naming(outcome, 'p') +
          " => " + expectation(outcome));
}

void Recorder::persist_delete(Pid pid, Transport transport, PortBlock block, Error error) {
    write("persist-delete " + persist_operands(pid, transport, block) + " => " +
          expectation(failure(error)));
}

void Recorder::refused(std::string_view call, int code) {
    write("# " + std::string(call) + " => " + code_name(code) +
          " (refused by the Windows API layer, before the model)");
}

std::string Recorder::socket_name(SocketHandle socket) const {
    const auto named = sockets_.find(socket);
    return named != sockets_.end() ? named->second : std::to_string(socket);
}

std::string Recorder::naming(const Outcome& outcome, char prefix) {
    if (outcome.error == Error::io_pending) {
        const std::string& name = requests_[outcome.request] = 'w' + std::to_string(++named_);
        return " async as " + name;
    }
    if (!outcome.ok() || outcome.token == invalid_token) return "";
    const std::string& name = tokens_[outcome.token] = prefix + std::to_string(++named_);
    return " as " + name;
}

std::string Recorder::token_operand(Token token) const {
    const auto named = tokens_.find(token);
    return named != tokens_.end() ? '$' + named->second : std::to_string(token);
}

}  // namespace wsrsim::win32
