#include "winsock_backend.hpp"

#include <iostream>
#include <type_traits>

namespace wsrsim::probe {

WinsockBackend::WinsockBackend() : elevated_(running_elevated()) {}

WinsockBackend::~WinsockBackend() {
    children_.clear();
    for (const auto& [transport, block] : created_)
        if (const auto remove = persistent_.of(transport).remove) remove(htons(block.start), block.count);
}

// The trace's pids are the probe's labels for its children: pid 0 and a pid in use
// answer as the model answers them.
Outcome WinsockBackend::start_process(const req::CreateProcess& request) {
    if (request.pid == 0) return failure(Error::invalid_parameter);
    const auto [child, created] = children_.try_emplace(request.pid, request.pid);
    if (!created) return failure(Error::already_exists);
    if (request.elevated && !elevated_)
        std::cerr << "wsrsim-probe: process " << request.pid
                  << " is marked elevated, but the probe is not elevated: it runs unelevated\n";
    const Error error = child->second.start(!request.elevated && elevated_);
    if (error != Error::ok) {
        std::cerr << "wsrsim-probe: process " << request.pid << " did not start: error "
                  << static_cast<unsigned>(error) << '\n';
        children_.erase(child);
    }
    return failure(error);
}

Outcome WinsockBackend::end_process(Pid pid) {
    if (children_.erase(pid) == 0) return failure(Error::invalid_parameter);
    const auto of_pid = [pid](const auto& entry) { return entry.second.pid == pid; };
    std::erase_if(sockets_, of_pid);
    std::erase_if(requests_, of_pid);
    return Outcome{};
}

Outcome WinsockBackend::open_socket(const req::OpenSocket& request) {
    Outcome outcome = call(request.pid, request);
    if (outcome.ok()) {
        sockets_.emplace(next_socket_, Route{request.pid, outcome.socket});
        outcome.socket = next_socket_++;
    }
    return outcome;
}

template <class SocketRequest>
Outcome WinsockBackend::on_socket(SocketRequest request) {
    const auto route = sockets_.find(request.socket);
    if (route == sockets_.end()) return failure(Error::wsaenotsock);
    const Pid pid = route->second.pid;
    request.socket = route->second.id;
    // The child forgets the socket whatever closesocket answers; so does the probe.
    if constexpr (std::is_same_v<SocketRequest, req::CloseSocket>) sockets_.erase(route);
    return call(pid, request);
}

// A request the probe does not know (its process exited) answers as an unknown
// request does in the model.
Outcome WinsockBackend::wait(const req::Wait& request) {
    const auto route = requests_.find(request.request);
    if (route == requests_.end()) return failure(Error::invalid_parameter);
    const Route waited = route->second;
    requests_.erase(route);
    return call(waited.pid, req::Wait{waited.id});
}

template <class PersistentRequest>
Outcome WinsockBackend::persistent_call(const PersistentRequest& request) {
    const Outcome outcome = call(request.caller, request);
    if (outcome.ok()) {
        if constexpr (std::is_same_v<PersistentRequest, req::PersistCreate>)
            created_.emplace_back(request.transport, request.block);
        else if constexpr (std::is_same_v<PersistentRequest, req::PersistDelete>)
            std::erase(created_, std::pair{request.transport, request.block});
    }
    return outcome;
}

Outcome WinsockBackend::call(Pid pid, const ProcessRequest& request) {
    const auto child = children_.find(pid);
    if (child == children_.end()) return failure(Error::invalid_parameter);
    Outcome outcome = child->second.call(request);
    if (outcome.error == Error::io_pending) {
        requests_.emplace(next_request_, Route{pid, outcome.request});
        outcome.request = next_request_++;
    }
    return outcome;
}

Outcome WinsockBackend::apply(const Request& request) {
    return std::visit(
        [this](const auto& r) -> Outcome {
            using R = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<R, req::CreateProcess>) return start_process(r);
            else if constexpr (std::is_same_v<R, req::ExitProcess>) return end_process(r.pid);
            else if constexpr (std::is_same_v<R, req::OpenSocket>) return open_socket(r);
            else if constexpr (std::is_same_v<R, req::Wait>) return wait(r);
            else if constexpr (requires { r.socket; }) return on_socket(r);
            else if constexpr (requires { r.caller; }) return persistent_call(r);
            // Policies and the clock are the model's; Windows has its own.
            else if constexpr (std::is_same_v<R, req::SetPolicies> || std::is_same_v<R, req::AdvanceClock>)
                return Outcome{};
            // Changing the machine's dynamic range or rebooting it is not a probe's business.
            else return failure(not_probed);
        },
        request);
}

}  // namespace wsrsim::probe
