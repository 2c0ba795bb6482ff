#include "wsrsim/request.hpp"

namespace wsrsim {
namespace {

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

}  // namespace

Outcome apply(Host& host, const Request& request) { return std::visit(Applier{host}, request); }

}  // namespace wsrsim
