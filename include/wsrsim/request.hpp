// Requests as values: the seam between whatever produces requests (a trace,
// a random generator, a fuzzer) and whatever serves them (the model, the
// reference model, a real backend).
#pragma once

#include <string_view>
#include <variant>

#include "wsrsim/host.hpp"

namespace wsrsim {

namespace req {
struct SetDynamicRange { Transport transport; std::uint32_t start; std::uint32_t count; };
struct SetPolicies { Policies policies; };
// The name is a view, so that a request is a plain value (cheap to copy, no
// destructor to dispatch); whoever makes the request keeps the text alive until
// it is served, and the host keeps a copy of its own.
struct CreateProcess { Pid pid; bool elevated; std::string_view name; };
struct ExitProcess { Pid pid; };
struct OpenSocket { Pid pid; SocketKind kind; SocketOptions options; };
struct CloseSocket { SocketHandle socket; };
struct Bind { SocketHandle socket; Port port; };
struct GetSockName { SocketHandle socket; };
struct Acquire { SocketHandle socket; PortBlock block; IoMode mode; };
struct Associate { SocketHandle socket; Token token; IoMode mode; };
struct Release { SocketHandle socket; Token token; IoMode mode; };
struct AdvanceClock { Nanos time; };
struct Wait { RequestId request; };
struct PersistCreate { Pid caller; Transport transport; PortBlock block; ReservationKind store; };
struct PersistDelete { Pid caller; Transport transport; PortBlock block; };
struct PersistLookup { Pid caller; Transport transport; PortBlock block; };
struct Reboot {};
}  // namespace req

using Request =
    std::variant<req::SetDynamicRange, req::SetPolicies, req::CreateProcess, req::ExitProcess,
                 req::OpenSocket, req::CloseSocket, req::Bind, req::GetSockName, req::Acquire,
                 req::Associate, req::Release, req::AdvanceClock, req::Wait, req::PersistCreate,
                 req::PersistDelete, req::PersistLookup, req::Reboot>;

// Serves one request. Calls that answer with a bare Error give Outcome{error}.
Outcome apply(Host& host, const Request& request);

// The same, one kind at a time: a caller that already knows the kind (it visited
// the Request itself) serves it without a second dispatch on the variant.
struct Applier {
    Host& host;

    Outcome operator()(const req::SetDynamicRange& r) const {
        return failure(host.set_dynamic_range(r.transport, r.start, r.count));
    }
    Outcome operator()(const req::SetPolicies& r) const {
        host.set_policies(r.policies);
        return Outcome{};
    }
    Outcome operator()(const req::CreateProcess& r) const {
        return failure(host.create_process(r.pid, r.elevated, r.name));
    }
    Outcome operator()(const req::ExitProcess& r) const { return failure(host.exit_process(r.pid)); }
    Outcome operator()(const req::OpenSocket& r) const {
        return host.open_socket(r.pid, r.kind, r.options);
    }
    Outcome operator()(const req::CloseSocket& r) const { return failure(host.close_socket(r.socket)); }
    Outcome operator()(const req::Bind& r) const { return host.bind(r.socket, r.port); }
    Outcome operator()(const req::GetSockName& r) const { return host.getsockname(r.socket); }
    Outcome operator()(const req::Acquire& r) const { return host.acquire(r.socket, r.block, r.mode); }
    Outcome operator()(const req::Associate& r) const {
        return host.associate(r.socket, r.token, r.mode);
    }
    Outcome operator()(const req::Release& r) const { return host.release(r.socket, r.token, r.mode); }
    Outcome operator()(const req::AdvanceClock& r) const { return failure(host.advance_to(r.time)); }
    Outcome operator()(const req::Wait& r) const { return host.wait(r.request); }
    Outcome operator()(const req::PersistCreate& r) const {
        return host.create_persistent(r.caller, r.transport, r.block, r.store);
    }
    Outcome operator()(const req::PersistDelete& r) const {
        return failure(host.delete_persistent(r.caller, r.transport, r.block));
    }
    Outcome operator()(const req::PersistLookup& r) const {
        return host.lookup_persistent(r.caller, r.transport, r.block);
    }
    Outcome operator()(const req::Reboot&) const {
        host.reboot();
        return Outcome{};
    }
};

}  // namespace wsrsim
