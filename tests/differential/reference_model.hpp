// A slow, plain reference model of SPEC §1-§9 for differential testing.
// Written for clarity, not speed: every port of every transport has its own
// array entries, and most questions are answered by a linear scan. It shares only
// the public value types and decision constants with the fast model (sim/core).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "wsrsim/request.hpp"

namespace wsrsim::reference {

struct SocketEntry {
    SocketHandle handle;
    SocketView view;
};

class ReferenceHost {
public:
    explicit ReferenceHost(HostConfig config);

    Outcome apply(const Request& request);

    // `netsh int ipv4 show excludedportrange protocol=...`, written from SPEC §9.
    std::string excluded_port_range_text(Transport transport) const;
    DynamicRange dynamic_range(Transport transport) const;
    PortSpaceCounts counts(Transport transport) const;
    Nanos now() const { return now_; }
    std::vector<ReservationView> reservations(Transport transport) const;  // by start port

    // What a request generator may aim at.
    std::vector<Pid> live_processes() const;
    std::vector<SocketEntry> live_sockets() const;

private:
    // Reservations of a transport never overlap, so (transport, start) names one;
    // the map's order is netsh's order, and reboot's token order (TCP first).
    using ReservationKey = std::pair<Transport, Port>;
    using IoctlCall = std::variant<req::Acquire, req::Associate, req::Release>;

    struct Process {
        bool elevated;
    };
    struct Socket {
        Pid pid;
        SocketKind kind;
        SocketOptions options;
        Port port = 0;
        Token associated = invalid_token;  // kept after its reservation goes
    };
    struct Reservation {
        PortBlock block;
        Token token;
        ReservationKind kind;
        Pid owner = 0;
        SocketHandle acquired_on = no_socket;
    };
    struct OverlappedRequest {
        SocketHandle socket;
        IoctlCall call;
        Nanos due;
        bool done = false;
        Outcome outcome{};
    };
    struct PortTable {
        DynamicRange range;
        std::vector<Port> reservation_at;             // start of the covering reservation; 0: none
        std::vector<std::uint32_t> sockets_bound_at;  // how many sockets are bound on the port
        std::uint32_t next_fit_cursor = 0;
        std::uint32_t ephemeral_cursor = 0;
    };

    Outcome serve(const req::SetDynamicRange& r);
    Outcome serve(const req::SetPolicies& r);
    Outcome serve(const req::CreateProcess& r);
    Outcome serve(const req::ExitProcess& r);
    Outcome serve(const req::OpenSocket& r);
    Outcome serve(const req::CloseSocket& r);
    Outcome serve(const req::Bind& r);
    Outcome serve(const req::GetSockName& r);
    Outcome serve(const req::Acquire& r);
    Outcome serve(const req::Associate& r);
    Outcome serve(const req::Release& r);
    Outcome serve(const req::AdvanceClock& r);
    Outcome serve(const req::Wait& r);
    Outcome serve(const req::PersistCreate& r);
    Outcome serve(const req::PersistDelete& r);
    Outcome serve(const req::PersistLookup& r);
    Outcome serve(const req::Reboot& r);

    // The IOCTLs: rows 1-2 at once, the rest at once or at completion (SPEC §6).
    Outcome issue(SocketHandle handle, IoMode mode, const IoctlCall& call);
    Outcome decide(SocketHandle handle, const IoctlCall& call);
    Outcome decide_acquire(SocketHandle handle, PortBlock block);
    Outcome decide_associate(SocketHandle handle, Token token);
    Outcome decide_release(SocketHandle handle, Token token);
    Error token_argument_check(SocketHandle handle, const IoctlCall& call) const;
    std::optional<ReservationKey> releasable(SocketHandle handle, Token token) const;
    void complete_due(Nanos until);

    Outcome bind_in_reservation(SocketHandle handle, Transport transport,
                                const Reservation& reservation, Port port);
    Outcome bind_to(SocketHandle handle, Port port);
    static bool belongs_to(const Socket& socket, const Reservation& reservation);
    void close(SocketHandle handle);

    void add_reservation(Transport transport, const Reservation& reservation);
    void remove_reservation(ReservationKey key);
    std::optional<ReservationKey> with_token(Token token) const;
    std::optional<ReservationKey> administered_exactly(Transport transport, PortBlock block) const;
    bool elevated(Pid pid) const;
    PortTable& table(Transport transport) { return transport == Transport::tcp ? tcp_ : udp_; }
    const PortTable& table(Transport transport) const {
        return transport == Transport::tcp ? tcp_ : udp_;
    }

    // Placement (SPEC §7). Free: inside no reservation and bound by no socket.
    static bool is_free(const PortTable& ports, std::uint32_t port);
    static bool block_is_free(const PortTable& ports, PortBlock block);
    static std::optional<Port> lowest_fit(const PortTable& ports, std::uint32_t from,
                                          std::uint32_t length);
    static std::vector<Port> fitting_starts(const PortTable& ports, std::uint32_t length);
    static std::optional<Port> fit_from_cursor(const PortTable& ports, std::uint32_t cursor,
                                               std::uint32_t length);
    std::optional<Port> random_fit(const PortTable& ports, std::uint32_t length);
    std::optional<Port> clustered_fit(const PortTable& ports, std::uint32_t length);
    std::optional<Port> place_wildcard(PortTable& ports, std::uint32_t length);
    std::optional<Port> pick_ephemeral(PortTable& ports);

    Policies policies_;
    TokenSource tokens_;
    Rng rng_;
    Nanos now_ = 0;
    PortTable tcp_;
    PortTable udp_;
    std::map<Pid, Process> processes_;
    std::map<SocketHandle, Socket> sockets_;
    std::map<ReservationKey, Reservation> reservations_;
    std::map<RequestId, OverlappedRequest> requests_;
    SocketHandle last_handle_ = 0x100;
    RequestId last_request_ = 0;
};

}  // namespace wsrsim::reference
