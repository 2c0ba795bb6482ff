#include "wsrsim/host.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>

#include "hash_index.hpp"
#include "objects.hpp"
#include "placement.hpp"
#include "pool.hpp"
#include "port_space.hpp"
#include "wsrsim/decisions.hpp"

namespace wsrsim {

using namespace core;

class HostState {
public:
    explicit HostState(const HostConfig& config)
        : seed(config.seed),
          policies(config.policies),
          limits(config.limits),
          tokens(config.seed),
          rng(config.seed),
          spaces{PortSpace(DynamicRange{}), PortSpace(DynamicRange{})} {}

    ~HostState() {
        exit_all();
        reservations_by_token.clear_and_dispose([this](Reservation* r) {
            space(r->transport).remove(*r);
            reservation_pool.destroy(r);
        });
        forget_all_requests();
    }

    PortSpace& space(Transport t) { return spaces[static_cast<std::size_t>(t)]; }
    const PortSpace& space(Transport t) const { return spaces[static_cast<std::size_t>(t)]; }
    Cursors& cursor(Transport t) { return cursors[static_cast<std::size_t>(t)]; }

    Socket* find_socket(SocketHandle handle) const { return sockets.find(handle); }
    Process* find_process(Pid pid) const { return processes.find(pid); }
    Reservation* find_token(Token token) const { return reservations_by_token.find(token); }
    OverlappedRequest* find_request(RequestId id) const { return requests.find(id); }

    // ---- reservations ----

    Reservation& make_reservation(Transport transport, PortBlock block, ReservationKind kind) {
        Reservation* r = reservation_pool.create();
        r->token = tokens.draw();
        r->block = block;
        r->transport = transport;
        r->kind = kind;
        space(transport).add(*r);
        reservations_by_token.insert(*r);
        return *r;
    }

    bool at_reservation_cap() const { return reservations_by_token.size() >= limits.reservations; }

    void destroy_reservation(Reservation& r) {
        space(r.transport).remove(r);
        reservations_by_token.erase(r);
        if (r.acquirer) r.acquirer->acquired.erase(r.acquirer->acquired.iterator_to(r));
        reservation_pool.destroy(&r);
    }

    // ---- the IOCTLs, from row 6 on: what is decided when the request completes ----

    Outcome acquire_now(Socket& socket, PortBlock block) {
        const Transport transport = *socket.transport;
        PortSpace& ports = space(transport);
        if (block.count == 0 || block.last() > highest_port) return failure(decision::acquire_bad_block);
        if (block.start != 0) {
            if (!ports.is_free(block)) return failure(decision::acquire_block_taken);
        } else {
            if (block.count > ports.range().count)
                return failure(decision::wildcard_larger_than_range);
            auto start = place_wildcard(ports, policies.wildcard, cursor(transport), rng, block.count);
            if (!start) return failure(decision::wildcard_exhausted);
            block.start = *start;
        }
        if (at_reservation_cap()) return failure(decision::runtime_reservation_cap);
        Reservation& r = make_reservation(transport, block, ReservationKind::runtime);
        r.owner = socket.process->pid;
        r.acquirer = &socket;
        socket.acquired.push_back(r);
        return Outcome{.block = r.block, .token = r.token};
    }

    Outcome associate_now(Socket& socket, Token token) {
        const Reservation* r = find_token(token);
        if (!r) return failure(Error::wsaeinval);
        if (r->transport != *socket.transport)
            return failure(decision::associate_wrong_transport);
        if (r->kind == ReservationKind::runtime && r->owner != socket.process->pid)
            return failure(decision::associate_foreign_runtime);
        if (is_administered(r->kind) && !socket.process->elevated) return failure(Error::wsaeacces);
        if (socket.port != 0) return failure(Error::wsaeinval);
        if (socket.associated != invalid_token) return failure(decision::associate_twice);
        socket.associated = token;
        return Outcome{};
    }

    // RELEASE row 5: the reservation this socket's process may release, if any.
    Reservation* releasable(const Socket& socket, Token token) const {
        Reservation* r = find_token(token);
        return r && !is_administered(r->kind) && r->owner == socket.process->pid ? r : nullptr;
    }

    Outcome release_now(Socket& socket, Token token) {
        Reservation* r = releasable(socket, token);
        if (!r) return failure(decision::release_not_releasable);
        destroy_reservation(*r);
        return Outcome{};
    }

    // SPEC §6: rows 1-5 are argument checks, decided when the request is issued.
    // Past rows 1-2, only ASSOCIATE's and RELEASE's row 5 (the token) is the
    // model's; completion checks it again against the state of that moment.
    Error argument_check(const Socket& socket, const IoctlCall& call) const {
        switch (call.code) {
        case IoctlCode::acquire: return Error::ok;
        case IoctlCode::associate: return find_token(call.token) ? Error::ok : Error::wsaeinval;
        case IoctlCode::release:
            return releasable(socket, call.token) ? Error::ok : decision::release_not_releasable;
        }
        return Error::ok;
    }

    Outcome complete_ioctl(Socket& socket, const IoctlCall& call) {
        switch (call.code) {
        case IoctlCode::acquire: return acquire_now(socket, call.block);
        case IoctlCode::associate: return associate_now(socket, call.token);
        case IoctlCode::release: return release_now(socket, call.token);
        }
        return failure(Error::wsaeinval);
    }

    // Rows 1-2 of every IOCTL table, then either now or queued (SPEC §6). Small
    // enough to inline into each IOCTL's entry point, where the call's code is a
    // constant that picks the completion without a branch on it.
    Outcome ioctl(SocketHandle handle, IoMode mode, const IoctlCall& call) {
        Socket* socket = find_socket(handle);
        if (!socket) return failure(Error::wsaenotsock);
        if (!socket->transport) return failure(Error::wsaeopnotsupp);
        if (mode == IoMode::sync || !socket->options.overlapped) return complete_ioctl(*socket, call);
        return queue(*socket, call);
    }

    Outcome queue(Socket& socket, const IoctlCall& call) {
        if (const Error error = argument_check(socket, call); error != Error::ok) return failure(error);
        OverlappedRequest* request = request_pool.create();
        request->socket = &socket;
        request->call = call;
        // SPEC §6: issue time + latency; a time past the clock's end is its end, not a wrap.
        const Nanos room = std::numeric_limits<Nanos>::max() - now;
        request->due = DueKey{now + std::min(policies.latency, room), ++last_request};
        requests.insert(*request);
        due.insert(*request);
        socket.pending.push_back(*request);
        complete_due(now);
        return Outcome{.error = Error::io_pending, .request = request->due.id};
    }

    // ---- overlapped requests ----

    void finish(OverlappedRequest& request, Outcome outcome) {
        due.erase(due.iterator_to(request));
        request.socket->pending.erase(request.socket->pending.iterator_to(request));
        request.socket = nullptr;
        if (request.forgotten) {
            request_pool.destroy(&request);
            return;
        }
        request.done = true;
        request.outcome = outcome;
    }

    void complete_due(Nanos until) {
        while (!due.empty() && due.begin()->due.time <= until) {
            OverlappedRequest& request = *due.begin();
            now = request.due.time;
            finish(request, complete_ioctl(*request.socket, request.call));
        }
        now = until;
    }

    void forget_all_requests() {
        due.clear();
        requests.clear_and_dispose([this](OverlappedRequest* r) { request_pool.destroy(r); });
    }

    // ---- sockets and processes ----

    void close(Socket& socket) {
        while (!socket.pending.empty())
            finish(socket.pending.front(), failure(Error::operation_aborted));
        if (socket.port != 0) space(*socket.transport).unbind(socket);
        while (!socket.acquired.empty()) destroy_reservation(socket.acquired.front());
        socket.process->sockets.erase(socket.process->sockets.iterator_to(socket));
        sockets.erase(socket);
        socket_pool.destroy(&socket);
    }

    void close_all(Process& process) {
        while (!process.sockets.empty()) close(process.sockets.front());
    }

    void exit(Process& process) {
        close_all(process);
        processes.erase(process);
        process_pool.destroy(&process);
    }

    // Every process at once (reboot, teardown), in whatever order the table holds them:
    // what remains after is the same.
    void exit_all() {
        processes.clear_and_dispose([this](Process* process) {
            close_all(*process);
            process_pool.destroy(process);
        });
    }

    // A socket counts as one of the reservation's own (SPEC §5 "the sockets of a reservation").
    static bool belongs_to(const Socket& socket, const Reservation& r) {
        return socket.associated == r.token ||
               (r.kind == ReservationKind::runtime && socket.process->pid == r.owner);
    }

    Outcome bind_to(Socket& socket, PortSpace& ports, Port port) {
        ports.bind(socket, port);
        return Outcome{.port = port};
    }

    // Binding a port of a reservation the socket belongs to: shared with the
    // reservation's other sockets, refused if anyone else holds it. While the
    // reservation lives, a port's sockets are either all its own or one outsider,
    // so any one of them tells.
    Outcome bind_shared(Socket& socket, PortSpace& ports, const Reservation& r, Port port) {
        if (const Socket* holder = ports.bound_on(port); holder && !belongs_to(*holder, r))
            return failure(Error::wsaeaddrinuse);
        return bind_to(socket, ports, port);
    }

    Outcome bind(Socket& socket, Port port) {
        const auto transport = socket.transport;
        if (!transport) return failure(decision::bind_without_port_space);
        if (socket.port != 0) return failure(Error::wsaeinval);
        PortSpace& ports = space(*transport);
        if (socket.associated != invalid_token) {
            const Reservation* mine = find_token(socket.associated);
            if (!mine) return failure(decision::bind_after_association_lost);
            if (port == 0) {
                auto free_port = ports.lowest_unbound_in(mine->block);
                if (!free_port) return failure(decision::associated_bind_exhausted);
                return bind_to(socket, ports, *free_port);
            }
            if (mine->block.contains(port)) return bind_shared(socket, ports, *mine, port);
        }
        if (port == 0) {
            auto free_port = pick_ephemeral(ports, policies.ephemeral, cursor(*transport), rng);
            if (!free_port) return failure(Error::wsaenobufs);
            return bind_to(socket, ports, *free_port);
        }
        if (const Reservation* r = ports.covering(port); r && r->kind == ReservationKind::runtime) {
            if (r->owner != socket.process->pid) return failure(Error::wsaeacces);
            return bind_shared(socket, ports, *r, port);
        }
        if (ports.bound_on(port)) return failure(Error::wsaeaddrinuse);
        return bind_to(socket, ports, port);
    }

    // ---- persistent reservations ----

    bool elevated(Pid pid) const {
        const Process* process = find_process(pid);
        return process && process->elevated;
    }

    Reservation* administered_exactly(Transport transport, PortBlock block) const {
        Reservation* r = space(transport).exactly(block);
        return r && is_administered(r->kind) ? r : nullptr;
    }

    void redraw_persistent_tokens() {
        for (Transport transport : all_transports) {
            for (Reservation& r : space(transport).reservations()) {
                reservations_by_token.erase(r);
                r.token = tokens.draw();
                reservations_by_token.insert(r);
            }
        }
    }

    ReservationView view(const Reservation& r) const {
        return ReservationView{r.transport, r.block, r.token, r.kind, r.owner,
                               r.acquirer ? r.acquirer->handle : no_socket};
    }

    std::uint64_t seed;
    Policies policies;
    HostLimits limits;
    Nanos now = 0;
    TokenSource tokens;
    Rng rng;
    std::array<PortSpace, 2> spaces;  // indexed by Transport
    std::array<Cursors, 2> cursors{};

    // Pools before the indexes that hook their objects.
    Pool<Reservation> reservation_pool;
    Pool<Socket> socket_pool;
    Pool<Process> process_pool;
    Pool<OverlappedRequest> request_pool;

    TokenIndex reservations_by_token;
    SocketsByHandle sockets;
    ProcessesByPid processes;
    RequestsById requests;
    RequestsByDue due;
    SocketHandle last_handle = 0x100;
    RequestId last_request = 0;
};

Host::Host(HostConfig config) : state_(std::make_unique<HostState>(config)) {}
Host::~Host() = default;
Host::Host(Host&&) noexcept = default;
Host& Host::operator=(Host&&) noexcept = default;

namespace {

// `netsh int ipv4 set dynamicport`'s rule (SPEC §1); the 64-bit sum keeps a start
// or count near 2^32 from wrapping into a small end port.
bool is_settable(DynamicRange range) {
    return range.start >= 1024 && range.count >= 255 && std::uint64_t{range.start} + range.count - 1 <= highest_port;
}

}  // namespace

Error Host::set_dynamic_range(Transport transport, std::uint32_t start, std::uint32_t count) {
    if (!is_settable(DynamicRange{start, count})) return Error::invalid_parameter;
    state_->space(transport).set_range(DynamicRange{start, count});
    return Error::ok;
}

DynamicRange Host::dynamic_range(Transport transport) const {
    return state_->space(transport).range();
}

void Host::set_policies(const Policies& policies) { state_->policies = policies; }
const Policies& Host::policies() const { return state_->policies; }
std::uint64_t Host::seed() const { return state_->seed; }
Nanos Host::now() const { return state_->now; }

Error Host::advance_to(Nanos time) {
    if (time < state_->now) return Error::invalid_parameter;
    state_->complete_due(time);
    return Error::ok;
}

Error Host::create_process(Pid pid, bool elevated, std::string_view name) {
    if (pid == 0) return Error::invalid_parameter;
    if (state_->find_process(pid)) return Error::already_exists;
    if (state_->processes.size() >= state_->limits.processes) return decision::process_cap;
    Process* process = state_->process_pool.create();
    process->pid = pid;
    process->elevated = elevated;
    process->name = name;
    state_->processes.insert(*process);
    return Error::ok;
}

Error Host::exit_process(Pid pid) {
    Process* process = state_->find_process(pid);
    if (!process) return Error::invalid_parameter;
    state_->exit(*process);
    return Error::ok;
}

Outcome Host::open_socket(Pid pid, SocketKind kind, SocketOptions options) {
    Process* process = state_->find_process(pid);
    if (!process) return failure(Error::invalid_parameter);
    if (state_->sockets.size() >= state_->limits.sockets) return failure(decision::socket_cap);
    Socket* socket = state_->socket_pool.create();
    socket->handle = state_->last_handle += 4;  // like Windows handles: multiples of 4
    socket->process = process;
    socket->kind = kind;
    socket->transport = transport_of(kind);
    socket->options = options;
    state_->sockets.insert(*socket);
    process->sockets.push_back(*socket);
    return Outcome{.socket = socket->handle};
}

Error Host::close_socket(SocketHandle handle) {
    Socket* socket = state_->find_socket(handle);
    if (!socket) return Error::wsaenotsock;
    state_->close(*socket);
    return Error::ok;
}

Outcome Host::bind(SocketHandle handle, Port port) {
    Socket* socket = state_->find_socket(handle);
    if (!socket) return failure(Error::wsaenotsock);
    return state_->bind(*socket, port);
}

Outcome Host::getsockname(SocketHandle handle) {
    const Socket* socket = state_->find_socket(handle);
    if (!socket) return failure(Error::wsaenotsock);
    if (socket->port == 0) return failure(decision::getsockname_unbound);
    return Outcome{.port = socket->port};
}

Outcome Host::acquire(SocketHandle socket, PortBlock block, IoMode mode) {
    return state_->ioctl(socket, mode, IoctlCall{.code = IoctlCode::acquire, .block = block});
}

Outcome Host::associate(SocketHandle socket, Token token, IoMode mode) {
    return state_->ioctl(socket, mode, IoctlCall{.code = IoctlCode::associate, .token = token});
}

Outcome Host::release(SocketHandle socket, Token token, IoMode mode) {
    return state_->ioctl(socket, mode, IoctlCall{.code = IoctlCode::release, .token = token});
}

std::optional<RequestState> Host::request(RequestId id) const {
    const OverlappedRequest* request = state_->find_request(id);
    if (!request) return std::nullopt;
    return RequestState{request->done, request->due.time, request->outcome};
}

Outcome Host::wait(RequestId id) {
    const OverlappedRequest* request = state_->find_request(id);
    if (!request) return failure(Error::invalid_parameter);
    if (!request->done) state_->complete_due(request->due.time);
    return request->outcome;
}

void Host::forget(RequestId id) {
    OverlappedRequest* request = state_->find_request(id);
    if (!request) return;
    state_->requests.erase(*request);
    if (request->done)
        state_->request_pool.destroy(request);
    else
        request->forgotten = true;  // it still completes; finish() drops it then
}

Outcome Host::create_persistent(Pid caller, Transport transport, PortBlock block,
                                ReservationKind store) {
    if (!state_->elevated(caller)) return failure(Error::access_denied);
    if (!block.is_valid() || store == ReservationKind::runtime)
        return failure(Error::invalid_parameter);
    if (!state_->space(transport).is_free(block)) return failure(Error::sharing_violation);
    if (state_->at_reservation_cap()) return failure(decision::administered_reservation_cap);
    const Reservation& r = state_->make_reservation(transport, block, store);
    return Outcome{.block = r.block, .token = r.token};
}

Error Host::delete_persistent(Pid caller, Transport transport, PortBlock block) {
    if (!state_->elevated(caller)) return Error::access_denied;
    if (block.start == 0 || block.count == 0) return Error::invalid_parameter;
    Reservation* r = state_->administered_exactly(transport, block);
    if (!r) return Error::not_found;
    state_->destroy_reservation(*r);
    return Error::ok;
}

Outcome Host::lookup_persistent(Pid, Transport transport, PortBlock block) {
    if (block.start == 0 || block.count == 0) return failure(Error::invalid_parameter);
    const Reservation* r = state_->administered_exactly(transport, block);
    if (!r) return failure(Error::not_found);
    return Outcome{.block = r->block, .token = r->token};
}

void Host::reboot() {
    HostState& s = *state_;
    s.exit_all();
    for (Transport transport : all_transports) {
        auto& reservations = s.space(transport).reservations();
        for (auto it = reservations.begin(); it != reservations.end();) {
            Reservation& r = *it++;
            if (r.kind == ReservationKind::active) s.destroy_reservation(r);
        }
        s.cursor(transport) = Cursors{};
    }
    s.forget_all_requests();
    s.redraw_persistent_tokens();
}

std::vector<ReservationView> Host::reservations(Transport transport) const {
    std::vector<ReservationView> views;
    for (const Reservation& r : state_->space(transport).reservations()) views.push_back(state_->view(r));
    return views;
}

std::optional<ReservationView> Host::reservation_covering(Transport transport, Port port) const {
    const Reservation* r = state_->space(transport).covering(port);
    if (!r) return std::nullopt;
    return state_->view(*r);
}

std::optional<ReservationView> Host::reservation_with(Token token) const {
    const Reservation* r = state_->find_token(token);
    if (!r) return std::nullopt;
    return state_->view(*r);
}

std::optional<SocketView> Host::socket(SocketHandle handle) const {
    const Socket* s = state_->find_socket(handle);
    if (!s) return std::nullopt;
    const bool lost = s->associated != invalid_token && !state_->find_token(s->associated);
    return SocketView{s->process->pid, s->kind, s->options, s->port, s->associated, lost};
}

std::optional<ProcessView> Host::process(Pid pid) const {
    const Process* p = state_->find_process(pid);
    if (!p) return std::nullopt;
    return ProcessView{p->pid, p->elevated, p->name, p->sockets.size()};
}

PortSpaceCounts Host::counts(Transport transport) const { return state_->space(transport).counts(); }
PortSpaceCounts Host::peak_counts(Transport transport) const { return state_->space(transport).peaks(); }

// ---- the lasting part: saved hosts (wsrsim/host_state.hpp) ----

namespace {

// Everything restore() needs, checked before anything changes.
bool is_restorable(const HostSnapshot& snapshot) {
    if (!is_settable(snapshot.tcp_range) || !is_settable(snapshot.udp_range)) return false;
    // All-zero is the one state xoshiro never leaves: it would draw 0 forever.
    if (snapshot.rng_state == Rng::State{}) return false;
    const auto& blocks = snapshot.persistent;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (!blocks[i].block.is_valid()) return false;
        for (std::size_t j = 0; j < i; ++j)
            if (blocks[j].transport == blocks[i].transport && blocks[j].block.overlaps(blocks[i].block))
                return false;
    }
    return true;
}

}  // namespace

HostSnapshot Host::lasting_state() const {
    const HostState& s = *state_;
    HostSnapshot snapshot{.seed = s.seed,
                          .tokens_drawn = s.tokens.drawn(),
                          .rng_state = s.rng.state(),
                          .tcp_range = s.space(Transport::tcp).range(),
                          .udp_range = s.space(Transport::udp).range()};
    for (Transport transport : all_transports)
        for (const Reservation& r : s.space(transport).reservations())
            if (r.kind == ReservationKind::persistent) snapshot.persistent.push_back({transport, r.block});
    return snapshot;
}

Error Host::restore(const HostSnapshot& snapshot) {
    HostState& s = *state_;
    const bool fresh = s.processes.empty() && s.space(Transport::tcp).counts().reservations == 0 &&
                       s.space(Transport::udp).counts().reservations == 0;
    if (!fresh || !is_restorable(snapshot)) return Error::invalid_parameter;
    s.seed = snapshot.seed;
    s.tokens = TokenSource(snapshot.seed, snapshot.tokens_drawn);
    s.rng = Rng::resumed(snapshot.rng_state);
    s.space(Transport::tcp).set_range(snapshot.tcp_range);
    s.space(Transport::udp).set_range(snapshot.udp_range);
    for (const PersistentBlock& saved : snapshot.persistent)
        s.make_reservation(saved.transport, saved.block, ReservationKind::persistent);
    return Error::ok;
}

}  // namespace wsrsim
