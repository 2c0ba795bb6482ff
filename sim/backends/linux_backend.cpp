#include "wsrsim/linux_backend.hpp"

#include <sys/resource.h>

#include <array>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "kernel_socket.hpp"
#include "wsrsim/decisions.hpp"

namespace wsrsim {

using linux_sockets::Descriptor;
using linux_sockets::Sharing;

namespace {

struct Process {
    bool elevated = false;
    std::set<SocketHandle> sockets;  // in open order: handles only grow
};

struct Socket {
    SocketHandle handle = no_socket;
    Pid pid = 0;
    SocketKind kind = SocketKind::tcp;
    SocketOptions options;
    Descriptor kernel;
    Port port = 0;  // 0 while unbound
    Token associated = invalid_token;
    std::vector<Token> acquired;  // runtime reservations that close with it
};

struct Reservation {
    Token token = invalid_token;
    Transport transport = Transport::tcp;
    PortBlock block;
    ReservationKind kind = ReservationKind::runtime;
    Pid owner = 0;                         // runtime only
    SocketHandle acquired_on = no_socket;  // runtime only
    std::vector<Descriptor> placeholders;  // one per port, held until the reservation goes
};

// What the kernel cannot tell about one transport's ports.
struct PortSpace {
    DynamicRange range;
    std::map<Port, Token> reservations;  // by start port; blocks never overlap
    std::map<Port, std::vector<SocketHandle>> bound;  // our sockets on each port, in bind order
    std::uint32_t next_fit = 0;  // 0: the range's start (as the model's cursor)

    const Token* reservation_at_or_below(Port port) const {
        const auto it = reservations.upper_bound(port);
        return it == reservations.begin() ? nullptr : &std::prev(it)->second;
    }
    const std::vector<SocketHandle>* bound_on(Port port) const {
        const auto it = bound.find(port);
        return it == bound.end() ? nullptr : &it->second;
    }
    // The lowest port of `block` some socket is bound to.
    std::optional<Port> first_bound_in(PortBlock block) const {
        const auto it = bound.lower_bound(block.start);
        if (it == bound.end() || it->first > block.last()) return std::nullopt;
        return it->first;
    }
    std::optional<Port> lowest_unbound_in(PortBlock block) const {
        std::uint32_t candidate = block.start;
        for (auto it = bound.lower_bound(block.start); it != bound.end() && it->first == candidate; ++it)
            ++candidate;
        if (candidate > block.last()) return std::nullopt;
        return static_cast<Port>(candidate);
    }
};

Transport transport_of_socket(const Socket& socket) { return *transport_of(socket.kind); }

}  // namespace

class LinuxHost {
public:
    explicit LinuxHost(const HostConfig& config)
        : policies_(config.policies), tokens_(config.seed), rng_(config.seed) {}

    Outcome operator()(const req::SetDynamicRange& r) {
        // As the model: 64-bit sum, so a huge count cannot wrap into a small end.
        if (r.start < 1024 || r.count < 255 || std::uint64_t{r.start} + r.count - 1 > highest_port)
            return failure(Error::invalid_parameter);
        space(r.transport).range = DynamicRange{r.start, r.count};
        return Outcome{};
    }

    Outcome operator()(const req::SetPolicies& r) {
        policies_ = r.policies;
        return Outcome{};
    }

    Outcome operator()(const req::CreateProcess& r) {
        if (r.pid == 0) return failure(Error::invalid_parameter);
        if (!processes_.try_emplace(r.pid, Process{.elevated = r.elevated}).second)
            return failure(Error::already_exists);
        return Outcome{};
    }

    Outcome operator()(const req::ExitProcess& r) {
        const auto it = processes_.find(r.pid);
        if (it == processes_.end()) return failure(Error::invalid_parameter);
        exit(it);
        return Outcome{};
    }

    Outcome operator()(const req::OpenSocket& r) {
        const auto process = processes_.find(r.pid);
        if (process == processes_.end()) return failure(Error::invalid_parameter);
        linux_sockets::OpenedSocket opened = linux_sockets::open_socket(r.kind);
        if (opened.error != Error::ok) return failure(opened.error);
        const SocketHandle handle = last_handle_ += 4;  // the model's numbering
        sockets_.emplace(handle, Socket{.handle = handle, .pid = r.pid, .kind = r.kind, .options = r.options,
                                        .kernel = std::move(opened.socket)});
        process->second.sockets.insert(handle);
        return Outcome{.socket = handle};
    }

    Outcome operator()(const req::CloseSocket& r) {
        const auto it = sockets_.find(r.socket);
        if (it == sockets_.end()) return failure(Error::wsaenotsock);
        close(it);
        return Outcome{};
    }

    Outcome operator()(const req::Bind& r) {
        Socket* socket = find_socket(r.socket);
        if (!socket) return failure(Error::wsaenotsock);
        return bind(*socket, r.port);
    }

    Outcome operator()(const req::GetSockName& r) {
        const Socket* socket = find_socket(r.socket);
        if (!socket) return failure(Error::wsaenotsock);
        const auto port = linux_sockets::bound_port(socket->kernel);
        if (!port) return failure(decision::getsockname_unbound);
        return Outcome{.port = *port};
    }

    Outcome operator()(const req::Acquire& r) {
        return ioctl(r.socket, r.mode, [&](Socket& socket) { return acquire(socket, r.block); });
    }
    Outcome operator()(const req::Associate& r) {
        return ioctl(r.socket, r.mode, [&](Socket& socket) { return associate(socket, r.token); });
    }
    Outcome operator()(const req::Release& r) {
        return ioctl(r.socket, r.mode, [&](Socket& socket) { return release(socket, r.token); });
    }

    // Only the check of SPEC §11's `@T`: nothing here waits on the clock.
    Outcome operator()(const req::AdvanceClock& r) {
        if (r.time < now_) return failure(Error::invalid_parameter);
        now_ = r.time;
        return Outcome{};
    }

    Outcome operator()(const req::Wait& r) const {
        const auto it = completed_.find(r.request);
        if (it == completed_.end()) return failure(Error::invalid_parameter);
        return it->second;
    }

    Outcome operator()(const req::PersistCreate& r) {
        if (!elevated(r.caller)) return failure(Error::access_denied);
        if (!r.block.is_valid() || r.store == ReservationKind::runtime)
            return failure(Error::invalid_parameter);
        if (!is_free(r.transport, r.block)) return failure(Error::sharing_violation);
        linux_sockets::HeldBlock held = linux_sockets::hold_block(r.transport, r.block);
        if (held.error == Error::wsaeaddrinuse) return failure(Error::sharing_violation);
        if (held.error != Error::ok) return failure(held.error);
        const Reservation& made = make_reservation(r.transport, r.block, r.store, std::move(held));
        return Outcome{.block = made.block, .token = made.token};
    }

    Outcome operator()(const req::PersistDelete& r) {
        if (!elevated(r.caller)) return failure(Error::access_denied);
        if (r.block.start == 0 || r.block.count == 0) return failure(Error::invalid_parameter);
        const Reservation* administered = administered_exactly(r.transport, r.block);
        if (!administered) return failure(Error::not_found);
        destroy_reservation(administered->token);
        return Outcome{};
    }

    Outcome operator()(const req::PersistLookup& r) const {
        if (r.block.start == 0 || r.block.count == 0) return failure(Error::invalid_parameter);
        const Reservation* administered = administered_exactly(r.transport, r.block);
        if (!administered) return failure(Error::not_found);
        return Outcome{.block = administered->block, .token = administered->token};
    }

    // As the model's reboot (SPEC §9), in the model's order, so persistent
    // tokens are redrawn the same way.
    Outcome operator()(const req::Reboot&) {
        while (!processes_.empty()) exit(processes_.begin());
        for (Transport transport : all_transports) {
            std::vector<Token> active;
            for (const auto& [start, token] : space(transport).reservations)
                if (reservations_.at(token).kind == ReservationKind::active) active.push_back(token);
            for (Token token : active) destroy_reservation(token);
            space(transport).next_fit = 0;
        }
        completed_.clear();
        for (Transport transport : all_transports)
            for (auto& [start, token] : space(transport).reservations) {
                auto node = reservations_.extract(token);
                token = tokens_.draw();
                node.key() = token;
                node.mapped().token = token;
                reservations_.insert(std::move(node));
            }
        return Outcome{};
    }

    void forget(RequestId request) { completed_.erase(request); }

private:
    PortSpace& space(Transport transport) { return spaces_[static_cast<std::size_t>(transport)]; }
    const PortSpace& space(Transport transport) const {
        return spaces_[static_cast<std::size_t>(transport)];
    }

    Socket* find_socket(SocketHandle handle) {
        const auto it = sockets_.find(handle);
        return it == sockets_.end() ? nullptr : &it->second;
    }
    const Reservation* find_reservation(Token token) const {
        const auto it = reservations_.find(token);
        return it == reservations_.end() ? nullptr : &it->second;
    }
    bool elevated(Pid pid) const {
        const auto it = processes_.find(pid);
        return it != processes_.end() && it->second.elevated;
    }

    // ---- the port space ----

    const Reservation* covering(Transport transport, Port port) const {
        const Token* token = space(transport).reservation_at_or_below(port);
        if (!token) return nullptr;
        const Reservation& candidate = reservations_.at(*token);
        return candidate.block.contains(port) ? &candidate : nullptr;
    }
    // Blocks never overlap, so only the last one starting at or below the end can.
    const Reservation* overlapping(Transport transport, PortBlock block) const {
        const Token* token = space(transport).reservation_at_or_below(static_cast<Port>(block.last()));
        if (!token) return nullptr;
        const Reservation& candidate = reservations_.at(*token);
        return candidate.block.overlaps(block) ? &candidate : nullptr;
    }
    bool is_free(Transport transport, PortBlock block) const {
        return !overlapping(transport, block) && !space(transport).first_bound_in(block);
    }
    const Reservation* administered_exactly(Transport transport, PortBlock block) const {
        const auto it = space(transport).reservations.find(block.start);
        if (it == space(transport).reservations.end()) return nullptr;
        const Reservation& candidate = reservations_.at(it->second);
        return candidate.block == block && is_administered(candidate.kind) ? &candidate : nullptr;
    }

    // ---- reservations ----

    Reservation& make_reservation(Transport transport, PortBlock block, ReservationKind kind,
                                  linux_sockets::HeldBlock held) {
        const Token token = tokens_.draw();
        space(transport).reservations.emplace(block.start, token);
        return reservations_
            .emplace(token, Reservation{.token = token, .transport = transport, .block = block,
                                        .kind = kind, .placeholders = std::move(held.placeholders)})
            .first->second;
    }

    // Closes its placeholders: ports with a bound socket stay that socket's.
    void destroy_reservation(Token token) {
        const auto it = reservations_.find(token);
        const Reservation& gone = it->second;
        space(gone.transport).reservations.erase(gone.block.start);
        if (Socket* acquirer = find_socket(gone.acquired_on)) std::erase(acquirer->acquired, token);
        reservations_.erase(it);
    }

    // ---- the IOCTLs ----

    // Rows 1-2 of every IOCTL table; then decided at once, overlapped or not.
    template <class Decide>
    Outcome ioctl(SocketHandle handle, IoMode mode, Decide decide) {
        Socket* socket = find_socket(handle);
        if (!socket) return failure(Error::wsaenotsock);
        if (!transport_of(socket->kind)) return failure(Error::wsaeopnotsupp);
        const bool overlapped = mode == IoMode::overlapped && socket->options.overlapped;
        const Outcome outcome = decide(*socket);
        if (!overlapped) return outcome;
        const RequestId request = ++last_request_;
        completed_.emplace(request, outcome);
        return Outcome{.error = Error::io_pending, .request = request};
    }

    Outcome acquire(Socket& socket, PortBlock block) {
        const Transport transport = transport_of_socket(socket);
        if (block.count == 0 || block.last() > highest_port) return failure(decision::acquire_bad_block);
        if (block.start == 0) return acquire_wildcard(socket, block.count);
        if (!is_free(transport, block)) return failure(decision::acquire_block_taken);
        linux_sockets::HeldBlock held = linux_sockets::hold_block(transport, block);
        if (held.error != Error::ok) return failure(held.error);
        return runtime_reservation(socket, block, std::move(held));
    }

    Outcome runtime_reservation(Socket& socket, PortBlock block, linux_sockets::HeldBlock held) {
        Reservation& made =
            make_reservation(transport_of_socket(socket), block, ReservationKind::runtime, std::move(held));
        made.owner = socket.pid;
        made.acquired_on = socket.handle;
        socket.acquired.push_back(made.token);
        return Outcome{.block = made.block, .token = made.token};
    }

    // The first start >= from where `length` ports are neither reserved nor bound
    // here and the block ends inside the range. Each step jumps past an obstacle.
    std::optional<std::uint32_t> next_candidate(Transport transport, std::uint32_t from,
                                                std::uint32_t length) const {
        const PortSpace& ports = space(transport);
        for (std::uint32_t start = from; start + length - 1 <= ports.range.last();) {
            const PortBlock block{static_cast<Port>(start), static_cast<Port>(length)};
            if (const Reservation* r = overlapping(transport, block)) {
                start = r->block.last() + 1;
            } else if (const auto bound = ports.first_bound_in(block)) {
                start = *bound + 1u;
            } else {
                return start;
            }
        }
        return std::nullopt;
    }

    std::uint32_t search_start(const PortSpace& ports, std::uint32_t length) {
        const DynamicRange& range = ports.range;
        switch (policies_.wildcard) {
        case WildcardPlacement::first_fit: return range.start;
        case WildcardPlacement::next_fit:
            return range.contains(ports.next_fit) ? ports.next_fit : range.start;
        case WildcardPlacement::clustered:
            // As the model: mostly on from the last block, else a random start.
            if (rng_.below(100) < decision::clustered_continue_percent && range.contains(ports.next_fit))
                return ports.next_fit;
            [[fallthrough]];
        case WildcardPlacement::random:
            return range.start + static_cast<std::uint32_t>(rng_.below(range.count - length + 1));
        }
        return range.start;
    }

    // Tries the candidate starts in [from, before): the bookkeeping proposes, the
    // kernel has the last word. EADDRINUSE means another program holds a port;
    // every block starting at or below that port contains it, so go on after it.
    std::optional<Outcome> search(Socket& socket, std::uint32_t from, std::uint32_t before,
                                  Port length) {
        const Transport transport = transport_of_socket(socket);
        for (auto start = next_candidate(transport, from, length); start && *start < before;
             start = next_candidate(transport, *start + 1, length)) {
            const PortBlock block{static_cast<Port>(*start), length};
            linux_sockets::HeldBlock held = linux_sockets::hold_block(transport, block);
            if (held.error == Error::ok) {
                space(transport).next_fit = block.last() + 1;
                return runtime_reservation(socket, block, std::move(held));
            }
            if (held.error != Error::wsaeaddrinuse) return failure(held.error);
            start = held.refused;
        }
        return std::nullopt;
    }

    // From the policy's start to the end of the dynamic range, then from its start.
    Outcome acquire_wildcard(Socket& socket, Port length) {
        const DynamicRange range = space(transport_of_socket(socket)).range;
        if (length > range.count) return failure(decision::wildcard_larger_than_range);
        const std::uint32_t first = search_start(space(transport_of_socket(socket)), length);
        if (auto made = search(socket, first, range.last() + 1, length)) return *made;
        if (auto made = search(socket, range.start, first, length)) return *made;
        return failure(decision::wildcard_exhausted);
    }

    Outcome associate(Socket& socket, Token token) {
        const Reservation* r = find_reservation(token);
        if (!r) return failure(Error::wsaeinval);
        if (r->transport != transport_of_socket(socket)) return failure(decision::associate_wrong_transport);
        if (r->kind == ReservationKind::runtime && r->owner != socket.pid)
            return failure(decision::associate_foreign_runtime);
        if (is_administered(r->kind) && !elevated(socket.pid)) return failure(Error::wsaeacces);
        if (socket.port != 0) return failure(Error::wsaeinval);
        if (socket.associated != invalid_token) return failure(decision::associate_twice);
        socket.associated = token;
        return Outcome{};
    }

    Outcome release(Socket& socket, Token token) {
        const Reservation* r = find_reservation(token);
        if (!r || is_administered(r->kind) || r->owner != socket.pid)
            return failure(decision::release_not_releasable);
        destroy_reservation(token);
        return Outcome{};
    }

    // ---- bind (SPEC §5, in the model's order) ----

    // SPEC §5 "the sockets of a reservation".
    bool belongs_to(SocketHandle handle, const Reservation& r) const {
        const Socket& socket = sockets_.at(handle);
        return socket.associated == r.token ||
               (r.kind == ReservationKind::runtime && socket.pid == r.owner);
    }

    Outcome bind_kernel(Socket& socket, Port port, Sharing sharing) {
        if (const Error error = linux_sockets::bind_loopback(socket.kernel, port, sharing);
            error != Error::ok)
            return failure(error);
        return record_bound(socket, port);
    }

    Outcome record_bound(Socket& socket, Port port) {
        socket.port = port;
        space(transport_of_socket(socket)).bound[port].push_back(socket.handle);
        return Outcome{.port = port};
    }

    // A port of a reservation the socket belongs to: shared with the reservation's
    // other sockets (and its placeholder), refused if an outsider holds it. While
    // the reservation lives a port's sockets are all its own or one outsider.
    Outcome bind_shared(Socket& socket, const Reservation& r, Port port) {
        const auto* holders = space(r.transport).bound_on(port);
        if (holders && !belongs_to(holders->front(), r)) return failure(Error::wsaeaddrinuse);
        return bind_kernel(socket, port, Sharing::shared);
    }

    Outcome bind_ephemeral(Socket& socket) {
        linux_sockets::prefer_ephemeral_range(socket.kernel, space(transport_of_socket(socket)).range);
        const Error error = linux_sockets::bind_loopback(socket.kernel, 0, Sharing::exclusive);
        // EADDRINUSE from bind(0): the kernel found no free ephemeral port.
        if (error == Error::wsaeaddrinuse) return failure(Error::wsaenobufs);
        if (error != Error::ok) return failure(error);
        const auto port = linux_sockets::bound_port(socket.kernel);
        if (!port) return failure(Error::wsaenetdown);
        return record_bound(socket, *port);
    }

    Outcome bind(Socket& socket, Port port) {
        const auto transport = transport_of(socket.kind);
        if (!transport) return failure(decision::bind_without_port_space);
        if (socket.port != 0) return failure(Error::wsaeinval);
        if (socket.associated != invalid_token) {
            const Reservation* mine = find_reservation(socket.associated);
            if (!mine) return failure(decision::bind_after_association_lost);
            if (port == 0) {
                const auto free_port = space(*transport).lowest_unbound_in(mine->block);
                if (!free_port) return failure(decision::associated_bind_exhausted);
                return bind_kernel(socket, *free_port, Sharing::shared);
            }
            if (mine->block.contains(port)) return bind_shared(socket, *mine, port);
        }
        if (port == 0) return bind_ephemeral(socket);
        const Reservation* r = covering(*transport, port);
        if (r && r->kind == ReservationKind::runtime) {
            if (r->owner != socket.pid) return failure(Error::wsaeacces);
            return bind_shared(socket, *r, port);
        }
        if (space(*transport).bound_on(port)) return failure(Error::wsaeaddrinuse);
        // A free port of an administered block: its placeholders share, so join them.
        return bind_kernel(socket, port, r ? Sharing::shared : Sharing::exclusive);
    }

    // ---- closing ----

    void close(std::unordered_map<SocketHandle, Socket>::iterator it) {
        const auto& [handle, socket] = *it;
        if (socket.port != 0) {
            auto& bound = space(transport_of_socket(socket)).bound;
            const auto holders = bound.find(socket.port);
            std::erase(holders->second, handle);
            if (holders->second.empty()) bound.erase(holders);
        }
        while (!socket.acquired.empty()) destroy_reservation(socket.acquired.back());
        processes_.at(socket.pid).sockets.erase(handle);
        sockets_.erase(it);  // closes the kernel socket
    }

    void exit(std::map<Pid, Process>::iterator process) {
        while (!process->second.sockets.empty())
            close(sockets_.find(*process->second.sockets.begin()));
        processes_.erase(process);
    }

    Policies policies_;
    TokenSource tokens_;
    Rng rng_;
    Nanos now_ = 0;
    std::array<PortSpace, 2> spaces_{};
    std::map<Pid, Process> processes_;  // by pid: exits at reboot go in the model's order
    std::unordered_map<SocketHandle, Socket> sockets_;
    std::unordered_map<Token, Reservation> reservations_;
    std::unordered_map<RequestId, Outcome> completed_;  // overlapped requests, decided at issue
    SocketHandle last_handle_ = 0x100;
    RequestId last_request_ = 0;
};

LinuxBackend::LinuxBackend(const HostConfig& config) : host_(std::make_unique<LinuxHost>(config)) {}
LinuxBackend::~LinuxBackend() = default;

Outcome LinuxBackend::apply(const Request& request) { return std::visit(*host_, request); }

void LinuxBackend::forget(RequestId request) { host_->forget(request); }

std::uint64_t raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

}  // namespace wsrsim
