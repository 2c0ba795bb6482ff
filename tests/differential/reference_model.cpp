#include "reference_model.hpp"

#include <algorithm>
#include <limits>

#include "overloaded.hpp"
#include "wsrsim/decisions.hpp"

namespace wsrsim::reference {
namespace {

constexpr std::size_t ports_per_transport = highest_port + 1;  // index 0 stays unused

void append_right_aligned(std::string& text, std::uint32_t value, std::size_t width) {
    const std::string digits = std::to_string(value);
    text.append(width - digits.size(), ' ').append(digits);
}

}  // namespace

ReferenceHost::ReferenceHost(HostConfig config)
    : policies_(config.policies), tokens_(config.seed), rng_(config.seed) {
    for (PortTable* ports : {&tcp_, &udp_}) {
        ports->reservation_at.assign(ports_per_transport, 0);
        ports->sockets_bound_at.assign(ports_per_transport, 0);
    }
}

Outcome ReferenceHost::apply(const Request& request) {
    return std::visit([this](const auto& r) { return serve(r); }, request);
}

// ---- settings, clock, processes ----------------------------------------------

Outcome ReferenceHost::serve(const req::SetDynamicRange& r) {
    const std::uint64_t last = std::uint64_t{r.start} + r.count - 1;
    if (r.start < 1024 || r.count < 255 || last > highest_port)
        return failure(Error::invalid_parameter);
    table(r.transport).range = DynamicRange{r.start, r.count};
    return {};
}

Outcome ReferenceHost::serve(const req::SetPolicies& r) {
    policies_ = r.policies;
    return {};
}

Outcome ReferenceHost::serve(const req::AdvanceClock& r) {
    if (r.time < now_) return failure(Error::invalid_parameter);
    complete_due(r.time);
    return {};
}

Outcome ReferenceHost::serve(const req::CreateProcess& r) {
    if (r.pid == 0) return failure(Error::invalid_parameter);
    if (processes_.contains(r.pid)) return failure(Error::already_exists);
    processes_[r.pid] = Process{r.elevated};
    return {};
}

Outcome ReferenceHost::serve(const req::ExitProcess& r) {
    if (!processes_.contains(r.pid)) return failure(Error::invalid_parameter);
    std::vector<SocketHandle> its_sockets;
    for (const auto& [handle, socket] : sockets_)
        if (socket.pid == r.pid) its_sockets.push_back(handle);
    for (SocketHandle handle : its_sockets) close(handle);
    processes_.erase(r.pid);
    return {};
}

Outcome ReferenceHost::serve(const req::Reboot&) {
    while (!sockets_.empty()) close(sockets_.begin()->first);
    processes_.clear();
    std::vector<ReservationKey> active;
    for (const auto& [key, reservation] : reservations_)
        if (reservation.kind == ReservationKind::active) active.push_back(key);
    for (ReservationKey key : active) remove_reservation(key);
    requests_.clear();
    for (Transport transport : all_transports) {
        table(transport).next_fit_cursor = 0;
        table(transport).ephemeral_cursor = 0;
    }
    // Only persistent reservations are left; in map order: TCP by start port, then UDP.
    for (auto& [key, reservation] : reservations_) reservation.token = tokens_.draw();
    return {};
}

// ---- sockets -------------------------------------------------------------------

Outcome ReferenceHost::serve(const req::OpenSocket& r) {
    if (!processes_.contains(r.pid)) return failure(Error::invalid_parameter);
    last_handle_ += 4;
    sockets_[last_handle_] = Socket{r.pid, r.kind, r.options};
    return Outcome{.socket = last_handle_};
}

Outcome ReferenceHost::serve(const req::CloseSocket& r) {
    if (!sockets_.contains(r.socket)) return failure(Error::wsaenotsock);
    close(r.socket);
    return {};
}

Outcome ReferenceHost::serve(const req::GetSockName& r) {
    const auto it = sockets_.find(r.socket);
    if (it == sockets_.end()) return failure(Error::wsaenotsock);
    if (it->second.port == 0) return failure(decision::getsockname_unbound);
    return Outcome{.port = it->second.port};
}

Outcome ReferenceHost::serve(const req::Bind& r) {
    const auto it = sockets_.find(r.socket);
    if (it == sockets_.end()) return failure(Error::wsaenotsock);
    const Socket& socket = it->second;
    const auto transport = transport_of(socket.kind);
    if (!transport) return failure(decision::bind_without_port_space);
    if (socket.port != 0) return failure(Error::wsaeinval);
    PortTable& ports = table(*transport);

    if (socket.associated != invalid_token) {
        const auto key = with_token(socket.associated);
        if (!key) return failure(decision::bind_after_association_lost);
        const Reservation& mine = reservations_.at(*key);
        if (r.port == 0) {
            for (std::uint32_t port = mine.block.start; port <= mine.block.last(); ++port)
                if (ports.sockets_bound_at[port] == 0)
                    return bind_to(r.socket, static_cast<Port>(port));
            return failure(decision::associated_bind_exhausted);
        }
        if (mine.block.contains(r.port))
            return bind_in_reservation(r.socket, *transport, mine, r.port);
    }
    if (r.port == 0) {
        const auto port = pick_ephemeral(ports);
        if (!port) return failure(Error::wsaenobufs);
        return bind_to(r.socket, *port);
    }
    if (const Port start = ports.reservation_at[r.port]; start != 0) {
        const Reservation& covering = reservations_.at({*transport, start});
        if (covering.kind == ReservationKind::runtime) {
            if (covering.owner != socket.pid) return failure(Error::wsaeacces);
            return bind_in_reservation(r.socket, *transport, covering, r.port);
        }
    }
    if (ports.sockets_bound_at[r.port] != 0) return failure(Error::wsaeaddrinuse);
    return bind_to(r.socket, r.port);
}

// The port is shared by the reservation's own sockets and refused to anyone else.
Outcome ReferenceHost::bind_in_reservation(SocketHandle handle, Transport transport,
                                           const Reservation& reservation, Port port) {
    for (const auto& [other, holder] : sockets_) {
        const bool on_port = holder.port == port && transport_of(holder.kind) == transport;
        if (on_port && !belongs_to(holder, reservation)) return failure(Error::wsaeaddrinuse);
    }
    return bind_to(handle, port);
}

Outcome ReferenceHost::bind_to(SocketHandle handle, Port port) {
    Socket& socket = sockets_.at(handle);
    socket.port = port;
    ++table(*transport_of(socket.kind)).sockets_bound_at[port];
    return Outcome{.port = port};
}

// SPEC §5 "the sockets of a reservation".
bool ReferenceHost::belongs_to(const Socket& socket, const Reservation& reservation) {
    return socket.associated == reservation.token ||
           (reservation.kind == ReservationKind::runtime && socket.pid == reservation.owner);
}

void ReferenceHost::close(SocketHandle handle) {
    for (auto& [id, request] : requests_) {
        if (!request.done && request.socket == handle) {
            request.done = true;
            request.outcome = failure(Error::operation_aborted);
        }
    }
    const Socket& socket = sockets_.at(handle);
    if (socket.port != 0) --table(*transport_of(socket.kind)).sockets_bound_at[socket.port];
    std::vector<ReservationKey> acquired;
    for (const auto& [key, reservation] : reservations_)
        if (reservation.acquired_on == handle) acquired.push_back(key);
    for (ReservationKey key : acquired) remove_reservation(key);
    sockets_.erase(handle);
}

// ---- the IOCTLs ------------------------------------------------------------------

Outcome ReferenceHost::serve(const req::Acquire& r) { return issue(r.socket, r.mode, r); }
Outcome ReferenceHost::serve(const req::Associate& r) { return issue(r.socket, r.mode, r); }
Outcome ReferenceHost::serve(const req::Release& r) { return issue(r.socket, r.mode, r); }

Outcome ReferenceHost::issue(SocketHandle handle, IoMode mode, const IoctlCall& call) {
    const auto it = sockets_.find(handle);
    if (it == sockets_.end()) return failure(Error::wsaenotsock);
    if (!transport_of(it->second.kind)) return failure(Error::wsaeopnotsupp);
    if (mode == IoMode::sync || !it->second.options.overlapped) return decide(handle, call);
    if (const Error error = token_argument_check(handle, call); error != Error::ok)
        return failure(error);

    // Issue time + latency; a time past the end of the clock is the end of the clock.
    const Nanos end_of_time = std::numeric_limits<Nanos>::max();
    const Nanos due =
        policies_.latency > end_of_time - now_ ? end_of_time : now_ + policies_.latency;
    const RequestId id = ++last_request_;
    requests_.emplace(id, OverlappedRequest{handle, call, due});
    complete_due(now_);
    return Outcome{.error = Error::io_pending, .request = id};
}

// Completes every pending request due by `until`, earliest first, issue order for ties.
void ReferenceHost::complete_due(Nanos until) {
    for (;;) {
        OverlappedRequest* next = nullptr;
        for (auto& [id, request] : requests_)  // ascending ids: strict < keeps the earliest issued
            if (!request.done && request.due <= until && (!next || request.due < next->due))
                next = &request;
        if (!next) break;
        next->outcome = decide(next->socket, next->call);
        next->done = true;
    }
    now_ = until;
}

Outcome ReferenceHost::serve(const req::Wait& r) {
    const auto it = requests_.find(r.request);
    if (it == requests_.end()) return failure(Error::invalid_parameter);
    if (!it->second.done) complete_due(it->second.due);
    return it->second.outcome;
}

Outcome ReferenceHost::decide(SocketHandle handle, const IoctlCall& call) {
    return std::visit(
        Overloaded{
            [&](const req::Acquire& r) { return decide_acquire(handle, r.block); },
            [&](const req::Associate& r) { return decide_associate(handle, r.token); },
            [&](const req::Release& r) { return decide_release(handle, r.token); },
        },
        call);
}

Outcome ReferenceHost::decide_acquire(SocketHandle handle, PortBlock block) {
    const Socket& socket = sockets_.at(handle);
    const Transport transport = *transport_of(socket.kind);
    PortTable& ports = table(transport);
    if (block.count == 0 || block.last() > highest_port)
        return failure(decision::acquire_bad_block);
    if (block.start != 0) {
        if (!block_is_free(ports, block)) return failure(decision::acquire_block_taken);
    } else {
        if (block.count > ports.range.count) return failure(decision::wildcard_larger_than_range);
        const auto start = place_wildcard(ports, block.count);
        if (!start) return failure(decision::wildcard_exhausted);
        block.start = *start;
    }
    const Token token = tokens_.draw();
    add_reservation(transport,
                    Reservation{block, token, ReservationKind::runtime, socket.pid, handle});
    return Outcome{.block = block, .token = token};
}

Outcome ReferenceHost::decide_associate(SocketHandle handle, Token token) {
    Socket& socket = sockets_.at(handle);
    const auto key = with_token(token);
    if (!key) return failure(Error::wsaeinval);
    const Reservation& reservation = reservations_.at(*key);
    if (key->first != *transport_of(socket.kind))
        return failure(decision::associate_wrong_transport);
    if (reservation.kind == ReservationKind::runtime && reservation.owner != socket.pid)
        return failure(decision::associate_foreign_runtime);
    if (is_administered(reservation.kind) && !elevated(socket.pid))
        return failure(Error::wsaeacces);
    if (socket.port != 0) return failure(Error::wsaeinval);
    if (socket.associated != invalid_token) return failure(decision::associate_twice);
    socket.associated = token;
    return {};
}

// SPEC §6: an overlapped ASSOCIATE or RELEASE whose token fails row 5 fails at issue.
Error ReferenceHost::token_argument_check(SocketHandle handle, const IoctlCall& call) const {
    if (const auto* associate = std::get_if<req::Associate>(&call))
        return with_token(associate->token) ? Error::ok : Error::wsaeinval;
    if (const auto* release = std::get_if<req::Release>(&call))
        return releasable(handle, release->token) ? Error::ok : decision::release_not_releasable;
    return Error::ok;
}

// RELEASE row 5: the reservation the socket's process may release, if any.
std::optional<ReferenceHost::ReservationKey> ReferenceHost::releasable(SocketHandle handle, Token token) const {
    const Pid pid = sockets_.at(handle).pid;
    const auto key = with_token(token);
    if (!key) return std::nullopt;
    const Reservation& reservation = reservations_.at(*key);
    if (reservation.kind != ReservationKind::runtime || reservation.owner != pid) return std::nullopt;
    return key;
}

Outcome ReferenceHost::decide_release(SocketHandle handle, Token token) {
    const auto key = releasable(handle, token);
    if (!key) return failure(decision::release_not_releasable);
    remove_reservation(*key);
    return {};
}

// ---- the persistent API ---------------------------------------------------------------

Outcome ReferenceHost::serve(const req::PersistCreate& r) {
    if (!elevated(r.caller)) return failure(Error::access_denied);
    if (!r.block.is_valid() || r.store == ReservationKind::runtime)
        return failure(Error::invalid_parameter);
    if (!block_is_free(table(r.transport), r.block)) return failure(Error::sharing_violation);
    const Token token = tokens_.draw();
    add_reservation(r.transport, Reservation{r.block, token, r.store});
    return Outcome{.block = r.block, .token = token};
}

Outcome ReferenceHost::serve(const req::PersistDelete& r) {
    if (!elevated(r.caller)) return failure(Error::access_denied);
    if (r.block.start == 0 || r.block.count == 0) return failure(Error::invalid_parameter);
    const auto key = administered_exactly(r.transport, r.block);
    if (!key) return failure(Error::not_found);
    remove_reservation(*key);
    return {};
}

Outcome ReferenceHost::serve(const req::PersistLookup& r) {
    if (r.block.start == 0 || r.block.count == 0) return failure(Error::invalid_parameter);
    const auto key = administered_exactly(r.transport, r.block);
    if (!key) return failure(Error::not_found);
    return Outcome{.block = r.block, .token = reservations_.at(*key).token};
}

// ---- reservations and placement ---------------------------------------------------------

void ReferenceHost::add_reservation(Transport transport, const Reservation& reservation) {
    const PortBlock block = reservation.block;
    reservations_.emplace(ReservationKey{transport, block.start}, reservation);
    for (std::uint32_t port = block.start; port <= block.last(); ++port)
        table(transport).reservation_at[port] = block.start;
}

void ReferenceHost::remove_reservation(ReservationKey key) {
    const PortBlock block = reservations_.at(key).block;
    for (std::uint32_t port = block.start; port <= block.last(); ++port)
        table(key.first).reservation_at[port] = 0;
    reservations_.erase(key);
}

bool ReferenceHost::is_free(const PortTable& ports, std::uint32_t port) {
    return ports.reservation_at[port] == 0 && ports.sockets_bound_at[port] == 0;
}

bool ReferenceHost::block_is_free(const PortTable& ports, PortBlock block) {
    for (std::uint32_t port = block.start; port <= block.last(); ++port)
        if (!is_free(ports, port)) return false;
    return true;
}

// The lowest start >= from of `length` free ports inside the dynamic range.
std::optional<Port> ReferenceHost::lowest_fit(const PortTable& ports, std::uint32_t from,
                                              std::uint32_t length) {
    std::uint32_t free_in_a_row = 0;
    for (std::uint32_t port = std::max(from, ports.range.start); port <= ports.range.last();
         ++port) {
        free_in_a_row = is_free(ports, port) ? free_in_a_row + 1 : 0;
        if (free_in_a_row == length) return static_cast<Port>(port - length + 1);
    }
    return std::nullopt;
}

// Every start of `length` free ports inside the dynamic range, in port order.
std::vector<Port> ReferenceHost::fitting_starts(const PortTable& ports, std::uint32_t length) {
    std::vector<Port> starts;
    std::uint32_t free_in_a_row = 0;
    for (std::uint32_t port = ports.range.start; port <= ports.range.last(); ++port) {
        free_in_a_row = is_free(ports, port) ? free_in_a_row + 1 : 0;
        if (free_in_a_row >= length) starts.push_back(static_cast<Port>(port - length + 1));
    }
    return starts;
}

// From the cursor (the range's start if the cursor lies outside the range), wrapping once.
std::optional<Port> ReferenceHost::fit_from_cursor(const PortTable& ports, std::uint32_t cursor,
                                                   std::uint32_t length) {
    const std::uint32_t from = ports.range.contains(cursor) ? cursor : ports.range.start;
    if (auto start = lowest_fit(ports, from, length)) return start;
    return lowest_fit(ports, ports.range.start, length);
}

// decisions.hpp: no draw at all when nothing fits; else up to random_draws uniform
// draws over the whole range, then one draw among all fitting starts in port order.
std::optional<Port> ReferenceHost::random_fit(const PortTable& ports, std::uint32_t length) {
    if (!lowest_fit(ports, ports.range.start, length)) return std::nullopt;
    const DynamicRange range = ports.range;
    for (int draw = 0; draw < decision::random_draws; ++draw) {
        const auto start = static_cast<Port>(range.start + rng_.below(range.count - length + 1));
        if (block_is_free(ports, PortBlock{start, static_cast<Port>(length)})) return start;
    }
    const std::vector<Port> starts = fitting_starts(ports, length);
    return starts[rng_.below(starts.size())];
}

// decisions.hpp: one draw below 100 for every block; under the percentage, the block
// goes at the next-fit cursor if all its ports lie in the range and are free.
std::optional<Port> ReferenceHost::clustered_fit(const PortTable& ports, std::uint32_t length) {
    const bool continue_run = rng_.below(100) < decision::clustered_continue_percent;
    const std::uint32_t cursor = ports.next_fit_cursor;
    const bool fits_at_cursor = ports.range.contains(cursor) && ports.range.contains(cursor + length - 1) &&
                                block_is_free(ports, PortBlock{static_cast<Port>(cursor), static_cast<Port>(length)});
    if (continue_run && fits_at_cursor) return static_cast<Port>(cursor);
    return random_fit(ports, length);
}

// The next-fit cursor follows every wildcard block, whatever the policy.
std::optional<Port> ReferenceHost::place_wildcard(PortTable& ports, std::uint32_t length) {
    std::optional<Port> start;
    switch (policies_.wildcard) {
    case WildcardPlacement::first_fit: start = lowest_fit(ports, ports.range.start, length); break;
    case WildcardPlacement::next_fit:
        start = fit_from_cursor(ports, ports.next_fit_cursor, length);
        break;
    case WildcardPlacement::random: start = random_fit(ports, length); break;
    case WildcardPlacement::clustered: start = clustered_fit(ports, length); break;
    }
    if (start) ports.next_fit_cursor = *start + length;
    return start;
}

// The sequential cursor follows every ephemeral port, whatever the policy.
std::optional<Port> ReferenceHost::pick_ephemeral(PortTable& ports) {
    const std::optional<Port> port = policies_.ephemeral == EphemeralPolicy::sequential
                                         ? fit_from_cursor(ports, ports.ephemeral_cursor, 1)
                                         : random_fit(ports, 1);
    if (port) ports.ephemeral_cursor = *port + 1u;
    return port;
}

// ---- lookups and views -----------------------------------------------------------------

std::optional<ReferenceHost::ReservationKey> ReferenceHost::with_token(Token token) const {
    for (const auto& [key, reservation] : reservations_)
        if (reservation.token == token) return key;
    return std::nullopt;
}

std::optional<ReferenceHost::ReservationKey> ReferenceHost::administered_exactly(
    Transport transport, PortBlock block) const {
    for (const auto& [key, reservation] : reservations_)
        if (key.first == transport && reservation.block == block &&
            is_administered(reservation.kind))
            return key;
    return std::nullopt;
}

bool ReferenceHost::elevated(Pid pid) const {
    const auto it = processes_.find(pid);
    return it != processes_.end() && it->second.elevated;
}

std::string ReferenceHost::excluded_port_range_text(Transport transport) const {
    std::string text = "\nProtocol ";
    text += transport == Transport::tcp ? "tcp" : "udp";
    text +=
        " Port Exclusion Ranges\n"
        "\n"
        "Start Port    End Port\n"
        "----------    --------\n";
    for (const auto& [key, row] : reservations_) {
        if (key.first != transport) continue;
        append_right_aligned(text, row.block.start, 10);
        append_right_aligned(text, row.block.last(), 12);
        if (row.kind != ReservationKind::runtime) text += "     *";
        text += "\n";
    }
    text +=
        "\n"
        "* - Administered port exclusions.\n"
        "\n";
    return text;
}

DynamicRange ReferenceHost::dynamic_range(Transport transport) const {
    return table(transport).range;
}

PortSpaceCounts ReferenceHost::counts(Transport transport) const {
    PortSpaceCounts counts;
    for (const auto& [key, reservation] : reservations_) {
        if (key.first != transport) continue;
        counts.reservations += 1;
        counts.reserved_ports += reservation.block.count;
    }
    for (const auto& [handle, socket] : sockets_)
        if (socket.port != 0 && transport_of(socket.kind) == transport) counts.bound_sockets += 1;
    return counts;
}

std::vector<Pid> ReferenceHost::live_processes() const {
    std::vector<Pid> pids;
    for (const auto& [pid, process] : processes_) pids.push_back(pid);
    return pids;
}

std::vector<SocketEntry> ReferenceHost::live_sockets() const {
    std::vector<SocketEntry> entries;
    for (const auto& [handle, socket] : sockets_) {
        const bool lost =
            socket.associated != invalid_token && !with_token(socket.associated).has_value();
        entries.push_back(SocketEntry{handle, SocketView{socket.pid, socket.kind, socket.options,
                                                         socket.port, socket.associated, lost}});
    }
    return entries;
}

std::vector<ReservationView> ReferenceHost::reservations(Transport transport) const {
    std::vector<ReservationView> views;
    for (const auto& [key, r] : reservations_)
        if (key.first == transport)
            views.push_back(
                ReservationView{transport, r.block, r.token, r.kind, r.owner, r.acquired_on});
    return views;
}

}  // namespace wsrsim::reference
