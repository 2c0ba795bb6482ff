// Requests as values: the seam between whatever produces requests (a trace,
// a random generator, a fuzzer) and whatever serves them (the model, the
// reference model, a real backend).
#pragma once

#include <string>
#include <variant>

#include "wsrsim/host.hpp"

namespace wsrsim {

namespace req {
struct SetDynamicRange { Transport transport; std::uint32_t start; std::uint32_t count; };
struct SetPolicies { Policies policies; };
struct CreateProcess { Pid pid; bool elevated; std::string name; };
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

}  // namespace wsrsim
