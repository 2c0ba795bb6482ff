#include "world.hpp"

#include <sstream>

namespace wsrsim {

std::ostream& operator<<(std::ostream& out, Error error) {
    return out << error_name(error) << " (" << static_cast<std::uint32_t>(error) << ')';
}

std::ostream& operator<<(std::ostream& out, PortBlock block) {
    return out << block.start << '-' << block.last();
}

}  // namespace wsrsim

namespace wsrsim::test {
namespace {

std::string_view kind_name(ReservationKind kind) {
    switch (kind) {
    case ReservationKind::runtime: return "runtime";
    case ReservationKind::persistent: return "persistent";
    case ReservationKind::active: return "active";
    }
    return "?";
}

}  // namespace

World::World(HostConfig config) : host(config) { start_processes(); }

void World::start_processes() {
    REQUIRE(host.create_process(app, false, "app") == Error::ok);
    REQUIRE(host.create_process(admin, true, "admin") == Error::ok);
    REQUIRE(host.create_process(peer, false, "peer") == Error::ok);
}

SocketHandle World::open(Pid pid, SocketKind kind, SocketOptions options) {
    const Outcome opened = host.open_socket(pid, kind, options);
    REQUIRE(opened.ok());
    sockets_.push_back(opened.socket);
    return opened.socket;
}

Outcome World::acquired(SocketHandle socket, PortBlock block) {
    const Outcome outcome = host.acquire(socket, block);
    REQUIRE(outcome.error == Error::ok);
    return outcome;
}

Token World::persisted(Transport transport, PortBlock block, ReservationKind store) {
    const Outcome outcome = host.create_persistent(admin, transport, block, store);
    REQUIRE(outcome.error == Error::ok);
    return outcome.token;
}

Port World::bound(SocketHandle socket, Port port) {
    const Outcome outcome = host.bind(socket, port);
    REQUIRE(outcome.error == Error::ok);
    return outcome.port;
}

void World::associated(SocketHandle socket, Token token) {
    REQUIRE(host.associate(socket, token).error == Error::ok);
}

void World::use_dynamic_range(Transport transport, std::uint32_t start, std::uint32_t count) {
    REQUIRE(host.set_dynamic_range(transport, start, count) == Error::ok);
}

SocketView World::view(SocketHandle socket) const {
    const auto found = host.socket(socket);
    REQUIRE(found.has_value());
    return *found;
}

std::string World::state() const {
    std::ostringstream out;
    const Policies& policies = host.policies();
    out << "clock " << host.now() << "\npolicies " << placement_name(policies.wildcard) << ' '
        << ephemeral_name(policies.ephemeral) << ' ' << policies.latency << '\n';
    for (Pid pid : {app, admin, peer}) {
        if (const auto process = host.process(pid))
            out << "process " << pid << " elevated=" << process->elevated
                << " sockets=" << process->sockets << " name=" << process->name << '\n';
    }
    for (SocketHandle handle : sockets_) {
        out << "socket " << handle;
        if (const auto s = host.socket(handle)) {
            out << " pid=" << s->pid << ' ' << socket_kind_name(s->kind)
                << (s->options.family == Family::v6 ? " v6" : " v4")
                << (s->options.overlapped ? " overlapped" : "") << " port=" << s->bound_port
                << " associated=" << s->associated_with << " lost=" << s->association_lost;
        } else {
            out << " closed";
        }
        out << '\n';
    }
    for (Transport transport : all_transports) {
        const DynamicRange range = host.dynamic_range(transport);
        const PortSpaceCounts counts = host.counts(transport);
        out << transport_name(transport) << " dynamic " << range.start << '+' << range.count
            << " reservations=" << counts.reservations << " ports=" << counts.reserved_ports
            << " bound=" << counts.bound_sockets << '\n';
        for (const ReservationView& r : host.reservations(transport))
            out << r.block << ' ' << kind_name(r.kind) << " token=" << r.token
                << " owner=" << r.owner << " on=" << r.acquired_on << '\n';
        out << table(transport) << netsh::show_dynamic_port(host, transport);
    }
    return out.str();
}

}  // namespace wsrsim::test
