#include "request_generator.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>

namespace wsrsim::differential {
namespace {

constexpr std::uint32_t window_size = 64;
constexpr std::array<Pid, 4> pid_pool{4, 100, 200, 300};
constexpr Pid never_a_process_pid = 0;
constexpr Pid stranger_pid = 999;

enum class Operation {
    dynamic_range,
    policies,
    create_process,
    exit_process,
    open_socket,
    close_socket,
    bind,
    getsockname,
    acquire,
    associate,
    release,
    advance_clock,
    wait,
    persist_create,
    persist_delete,
    persist_lookup,
    reboot,
};

struct Weighted {
    Operation operation;
    std::uint32_t weight;
};

// How often each request comes up: mostly the calls that make ports collide.
constexpr std::array<Weighted, 17> operation_mix{{
    {Operation::dynamic_range, 12},
    {Operation::policies, 15},
    {Operation::create_process, 25},
    {Operation::exit_process, 15},
    {Operation::open_socket, 90},
    {Operation::close_socket, 45},
    {Operation::bind, 150},
    {Operation::getsockname, 25},
    {Operation::acquire, 170},
    {Operation::associate, 90},
    {Operation::release, 80},
    {Operation::advance_clock, 50},
    {Operation::wait, 50},
    {Operation::persist_create, 60},
    {Operation::persist_delete, 45},
    {Operation::persist_lookup, 35},
    {Operation::reboot, 5},
}};

constexpr std::uint32_t total_weight = [] {
    std::uint32_t total = 0;
    for (const Weighted& w : operation_mix) total += w.weight;
    return total;
}();

Nanos later(Nanos now, Nanos delta) {
    const Nanos end_of_time = std::numeric_limits<Nanos>::max();
    return delta > end_of_time - now ? end_of_time : now + delta;
}

Port clamp_port(std::int64_t port) {
    return static_cast<Port>(std::clamp<std::int64_t>(port, 0, highest_port));
}

std::vector<ReservationView> all_reservations(const reference::ReferenceHost& host) {
    std::vector<ReservationView> all = host.reservations(Transport::tcp);
    const std::vector<ReservationView> udp = host.reservations(Transport::udp);
    all.insert(all.end(), udp.begin(), udp.end());
    return all;
}

}  // namespace

RequestGenerator::RequestGenerator(std::uint64_t seed) : rng_(mix64(seed) ^ 0x67656e6572617465ULL) {
    const std::uint32_t roll = between(0, 99);
    if (roll < 40)
        window_start_ = static_cast<Port>(between(1, highest_port - window_size + 1));
    else if (roll < 65)
        window_start_ = static_cast<Port>(between(49000, 49300));  // default range start
    else if (roll < 80)
        window_start_ = static_cast<Port>(between(1000, 1100));  // lowest range start
    else if (roll < 90)
        window_start_ = static_cast<Port>(highest_port - window_size + 1);
    else
        window_start_ = 1;
    starts_with_small_ranges_ = chance(75);
}

bool RequestGenerator::chance(std::uint64_t percent) { return rng_.below(100) < percent; }

std::uint32_t RequestGenerator::between(std::uint32_t low, std::uint32_t high) {
    return low + static_cast<std::uint32_t>(rng_.below(std::uint64_t{high} - low + 1));
}

template <class T>
T RequestGenerator::any_of(const std::vector<T>& values) {
    return values[rng_.below(values.size())];
}

template <class T>
T RequestGenerator::recent(const std::vector<T>& seen) {
    if (chance(25)) return any_of(seen);
    const std::size_t back = rng_.below(std::min<std::size_t>(seen.size(), 6));
    return seen[seen.size() - 1 - back];
}

Request RequestGenerator::next(const reference::ReferenceHost& host) {
    ++emitted_;
    if (starts_with_small_ranges_ && emitted_ <= all_transports.size()) {
        const Transport transport = all_transports[emitted_ - 1];
        const std::uint32_t count = between(255, 600);
        return req::SetDynamicRange{transport, between(1024, highest_port + 1 - count), count};
    }
    live_processes_ = host.live_processes();
    live_sockets_ = host.live_sockets();
    if (live_processes_.size() < 2 && chance(50)) return create_process();
    if (live_sockets_.size() < 3 && chance(50)) return open_socket();

    std::uint32_t roll = between(0, total_weight - 1);
    Operation operation = Operation::reboot;
    for (const Weighted& w : operation_mix) {
        if (roll < w.weight) {
            operation = w.operation;
            break;
        }
        roll -= w.weight;
    }
    switch (operation) {
    case Operation::dynamic_range:
        return set_dynamic_range(chance(50) ? Transport::tcp : Transport::udp);
    case Operation::policies: return set_policies();
    case Operation::create_process: return create_process();
    case Operation::exit_process: return exit_process();
    case Operation::open_socket: return open_socket();
    case Operation::close_socket: return close_socket();
    case Operation::bind: return bind(host);
    case Operation::getsockname: return getsockname();
    case Operation::acquire: return acquire(host);
    case Operation::associate: return associate_or_release(host, true);
    case Operation::release: return associate_or_release(host, false);
    case Operation::advance_clock: return advance_clock(host);
    case Operation::wait: return wait();
    case Operation::persist_create: return persist_create(host);
    case Operation::persist_delete: return persist_find(host, false);
    case Operation::persist_lookup: return persist_find(host, true);
    case Operation::reboot: return req::Reboot{};
    }
    return req::Reboot{};
}

void RequestGenerator::observe(const Outcome& outcome) {
    if (outcome.socket != no_socket) handles_.push_back(outcome.socket);
    if (outcome.token != invalid_token) tokens_.push_back(outcome.token);
    if (outcome.request != 0) requests_.push_back(outcome.request);
    if (outcome.block.count != 0) blocks_.push_back(outcome.block);
}

// ---- settings and the clock ----------------------------------------------------------

Request RequestGenerator::set_dynamic_range(Transport transport) {
    const std::uint32_t roll = between(0, 99);
    if (roll < 55) {
        const std::uint32_t count = between(255, 1000);
        const std::int64_t near_window = std::int64_t{window_start_} - between(0, 300);
        const std::int64_t start =
            chance(50) ? near_window : between(1024, highest_port + 1 - count);
        return req::SetDynamicRange{transport,
                                    static_cast<std::uint32_t>(std::clamp<std::int64_t>(
                                        start, 1024, highest_port + 1 - count)),
                                    count};
    }
    if (roll < 70) {
        const std::uint32_t count = between(255, 20000);
        return req::SetDynamicRange{transport, between(1024, highest_port + 1 - count), count};
    }
    if (roll < 73) return req::SetDynamicRange{transport, 49152, 16384};
    if (roll < 76) return req::SetDynamicRange{transport, 1024, 64512};
    if (roll < 82) {  // one step inside or outside each limit
        const std::uint32_t start =
            chance(50) ? 1024 - between(0, 1) : highest_port - 254 + between(0, 1);
        return req::SetDynamicRange{transport, start, 255 - between(0, 1)};
    }
    // Refused settings, including ones whose end overflows 32 bits.
    const std::uint32_t huge = std::numeric_limits<std::uint32_t>::max();
    switch (between(0, 4)) {
    case 0: return req::SetDynamicRange{transport, between(0, 1023), 1000};
    case 1: return req::SetDynamicRange{transport, 30000, between(0, 254)};
    case 2: {
        const std::uint32_t count = between(255, 5000);
        return req::SetDynamicRange{transport, highest_port + 2 - count + between(0, 10), count};
    }
    case 3: return req::SetDynamicRange{transport, huge - between(0, 300), between(255, 400)};
    default: return req::SetDynamicRange{transport, between(1024, 2024), huge - between(0, 1024)};
    }
}

Request RequestGenerator::set_policies() {
    Policies policies;
    policies.wildcard = static_cast<WildcardPlacement>(between(0, 3));
    policies.ephemeral = static_cast<EphemeralPolicy>(between(0, 1));
    const std::uint32_t roll = between(0, 99);
    if (roll < 40)
        policies.latency = 0;
    else if (roll < 60)
        policies.latency = between(1, 10);
    else if (roll < 90)
        policies.latency = between(0, 5000);
    else if (roll < 98)
        policies.latency = between(0, 1'000'000'000);
    else
        policies.latency = std::numeric_limits<Nanos>::max();
    return req::SetPolicies{policies};
}

Request RequestGenerator::advance_clock(const reference::ReferenceHost& host) {
    const Nanos now = host.now();
    const std::uint32_t roll = between(0, 99);
    if (roll < 70) return req::AdvanceClock{later(now, between(0, 3000))};
    if (roll < 80) return req::AdvanceClock{now};
    if (roll < 90)
        return req::AdvanceClock{now - std::min<Nanos>(now, between(1, 100))};  // backwards
    return req::AdvanceClock{later(now, between(0, 1'000'000))};
}

Request RequestGenerator::wait() {
    if (!requests_.empty() && chance(85)) return req::Wait{recent(requests_)};
    switch (between(0, 2)) {
    case 0: return req::Wait{0};
    case 1: return req::Wait{requests_.empty() ? 1 : requests_.back() + 1};
    default: return req::Wait{rng_.next()};
    }
}

// ---- processes and sockets ---------------------------------------------------------------

Pid RequestGenerator::pid() {
    const std::uint32_t roll = between(0, 99);
    if (roll < 90) return pid_pool[rng_.below(pid_pool.size())];
    return roll < 95 ? never_a_process_pid : stranger_pid;
}

Pid RequestGenerator::caller(std::uint64_t live_percent) {
    return !live_processes_.empty() && chance(live_percent) ? any_of(live_processes_) : pid();
}

// A request holds a view of its process name: the names are literals, one per pid pid() gives.
std::string_view process_name(Pid pid) {
    switch (pid) {
    case pid_pool[0]: return "p4";
    case pid_pool[1]: return "p100";
    case pid_pool[2]: return "p200";
    case pid_pool[3]: return "p300";
    case never_a_process_pid: return "p0";
    default: return "p999";
    }
}

Request RequestGenerator::create_process() {
    const Pid new_pid = pid();
    return req::CreateProcess{new_pid, chance(50), process_name(new_pid)};
}

Request RequestGenerator::exit_process() {
    return req::ExitProcess{caller()};
}

Request RequestGenerator::open_socket() {
    const std::uint32_t roll = between(0, 99);
    const SocketKind kind = roll < 45   ? SocketKind::tcp
                            : roll < 90 ? SocketKind::udp
                                        : SocketKind::other;
    const SocketOptions options{.family = chance(30) ? Family::v6 : Family::v4,
                                .overlapped = chance(75)};
    return req::OpenSocket{caller(90), kind, options};
}

SocketHandle RequestGenerator::unknown_handle() {
    switch (between(0, 3)) {
    case 0: return no_socket;
    case 1: return 0x100;
    case 2: return (handles_.empty() ? 0x100 : handles_.back()) + 4;  // the next one to be issued
    default: return rng_.next();
    }
}

// A live socket mostly; otherwise a closed or never issued handle, whose kind is a guess.
reference::SocketEntry RequestGenerator::socket() {
    if (!live_sockets_.empty() && chance(85)) return any_of(live_sockets_);
    SocketView guess{};
    guess.kind = chance(50) ? SocketKind::tcp : SocketKind::udp;
    const SocketHandle handle =
        !handles_.empty() && chance(60) ? recent(handles_) : unknown_handle();
    return reference::SocketEntry{handle, guess};
}

Request RequestGenerator::close_socket() {
    return req::CloseSocket{socket().handle};
}

Request RequestGenerator::getsockname() {
    return req::GetSockName{socket().handle};
}

Request RequestGenerator::bind(const reference::ReferenceHost& host) {
    reference::SocketEntry target = socket();
    if (target.view.bound_port != 0 && chance(70)) target = socket();  // bound ones only refuse
    const Transport transport = transport_of(target.view.kind).value_or(Transport::udp);
    if (chance(35)) return req::Bind{target.handle, 0};
    // An associated socket mostly binds inside its own block, often on a port someone holds.
    for (const ReservationView& r : host.reservations(transport))
        if (r.token == target.view.associated_with && chance(60))
            return req::Bind{target.handle, port_in(transport, r.block)};
    return req::Bind{target.handle, port(host, transport)};
}

// ---- ports and blocks ---------------------------------------------------------------

Port RequestGenerator::port(const reference::ReferenceHost& host, Transport transport) {
    const Port in_window = static_cast<Port>(window_start_ + between(0, window_size - 1));
    const std::uint32_t roll = between(0, 99);
    if (roll < 30) return in_window;
    if (roll < 55) {  // inside a live block or just beside it
        const std::vector<ReservationView> blocks = host.reservations(transport);
        if (blocks.empty()) return in_window;
        const PortBlock b = any_of(blocks).block;
        return clamp_port(std::int64_t{b.start} - 1 + between(0, b.count + 1u));
    }
    if (roll < 65) {
        std::vector<Port> bound;
        for (const reference::SocketEntry& s : live_sockets_)
            if (s.view.bound_port != 0 && transport_of(s.view.kind) == transport)
                bound.push_back(s.view.bound_port);
        return bound.empty() ? in_window : any_of(bound);
    }
    if (roll < 85) {  // inside the dynamic range or just beside it
        const DynamicRange range = host.dynamic_range(transport);
        return clamp_port(std::int64_t{range.start} - 1 + between(0, range.count + 1));
    }
    return static_cast<Port>(between(1, highest_port));
}

Port RequestGenerator::port_in(Transport transport, PortBlock block) {
    std::vector<Port> bound;
    for (const reference::SocketEntry& s : live_sockets_)
        if (block.contains(s.view.bound_port) && transport_of(s.view.kind) == transport)
            bound.push_back(s.view.bound_port);
    if (!bound.empty() && chance(50)) return any_of(bound);
    return static_cast<Port>(block.start + between(0, block.count - 1u));
}

Port RequestGenerator::count() {
    const std::uint32_t roll = between(0, 99);
    if (roll < 40) return static_cast<Port>(between(1, 4));
    if (roll < 80) return static_cast<Port>(between(5, 32));
    if (roll < 95) return static_cast<Port>(between(33, 300));
    return static_cast<Port>(between(301, 3000));
}

Port RequestGenerator::wildcard_count(const DynamicRange& range) {
    const std::uint32_t roll = between(0, 99);
    if (roll < 50) return static_cast<Port>(between(1, 8));
    if (roll < 75) return static_cast<Port>(between(9, 100));
    if (roll < 85) return static_cast<Port>(between(101, std::max(101u, range.count / 2)));
    if (roll < 93)
        return static_cast<Port>(range.count - between(0, 2));       // the whole range, or nearly
    return clamp_port(std::int64_t{range.count} + between(1, 100));  // more than the range
}

PortBlock RequestGenerator::block(const reference::ReferenceHost& host, Transport transport) {
    return PortBlock{port(host, transport), count()};
}

// An empty block, a wildcard, or one running past 65535.
PortBlock RequestGenerator::invalid_block() {
    switch (between(0, 2)) {
    case 0: return PortBlock{static_cast<Port>(between(0, highest_port)), 0};
    case 1: return PortBlock{0, count()};
    default: {
        const Port start = static_cast<Port>(highest_port - between(0, 9));
        return PortBlock{start, static_cast<Port>(highest_port + 2 - start + between(0, 20))};
    }
    }
}

PortBlock RequestGenerator::existing_block(const reference::ReferenceHost& host,
                                           Transport transport) {
    const std::vector<ReservationView> live = host.reservations(transport);
    if (!live.empty() && chance(70)) return any_of(live).block;
    if (!blocks_.empty()) return recent(blocks_);
    return block(host, transport);
}

// ---- the IOCTLs --------------------------------------------------------------------

IoMode RequestGenerator::mode() { return chance(35) ? IoMode::overlapped : IoMode::sync; }

Token RequestGenerator::token(const reference::ReferenceHost& host) {
    const std::uint32_t roll = between(0, 99);
    if (roll < 45) {
        const std::vector<ReservationView> live = all_reservations(host);
        if (!live.empty()) return any_of(live).token;
    }
    if (roll < 75 && !tokens_.empty()) return recent(tokens_);  // often stale by now
    if (roll < 85) return invalid_token;
    return rng_.next();
}

Request RequestGenerator::acquire(const reference::ReferenceHost& host) {
    const reference::SocketEntry target = socket();
    const Transport transport = transport_of(target.view.kind).value_or(Transport::tcp);
    const std::uint32_t roll = between(0, 99);
    PortBlock requested;
    if (roll < 45)
        requested = block(host, transport);
    else if (roll < 85)
        requested = PortBlock{0, wildcard_count(host.dynamic_range(transport))};
    else
        requested = invalid_block();
    return req::Acquire{target.handle, requested, mode()};
}

Request RequestGenerator::associate_or_release(const reference::ReferenceHost& host,
                                               bool associate) {
    SocketHandle handle = socket().handle;
    Token chosen = token(host);
    // Half the time, a live reservation on a socket that may well use it.
    const std::vector<ReservationView> live = all_reservations(host);
    if (!live.empty() && chance(50)) {
        const ReservationView target = any_of(live);
        std::vector<SocketHandle> users;
        for (const reference::SocketEntry& s : live_sockets_) {
            const bool same_owner =
                target.kind != ReservationKind::runtime || s.view.pid == target.owner;
            if (same_owner && transport_of(s.view.kind) == target.transport)
                users.push_back(s.handle);
        }
        if (!users.empty()) {
            handle = any_of(users);
            chosen = target.token;
        }
    }
    const IoMode how = mode();
    if (associate) return req::Associate{handle, chosen, how};
    return req::Release{handle, chosen, how};
}

// ---- the persistent API ------------------------------------------------------------------

Request RequestGenerator::persist_create(const reference::ReferenceHost& host) {
    const Transport transport = chance(50) ? Transport::tcp : Transport::udp;
    const std::uint32_t roll = between(0, 99);
    PortBlock requested;
    if (roll < 55) {
        requested = block(host, transport);
    } else if (roll < 70) {  // a hole in the dynamic range, for placement to work around
        const DynamicRange range = host.dynamic_range(transport);
        requested = PortBlock{static_cast<Port>(range.start + between(0, range.count - 1)),
                              static_cast<Port>(between(1, 64))};
    } else if (roll < 85) {
        requested = invalid_block();
    } else {
        requested = existing_block(host, transport);
    }
    const std::uint32_t store_roll = between(0, 99);
    const ReservationKind store = store_roll < 65   ? ReservationKind::persistent
                                  : store_roll < 95 ? ReservationKind::active
                                                    : ReservationKind::runtime;
    return req::PersistCreate{caller(), transport, requested, store};
}

Request RequestGenerator::persist_find(const reference::ReferenceHost& host, bool lookup) {
    const Transport transport = chance(50) ? Transport::tcp : Transport::udp;
    const std::uint32_t roll = between(0, 99);
    PortBlock wanted = existing_block(host, transport);
    if (roll >= 60 && roll < 85) {  // nearly an existing block
        switch (between(0, 3)) {
        case 0: ++wanted.start; break;
        case 1: --wanted.start; break;
        case 2: ++wanted.count; break;
        default: --wanted.count; break;
        }
    } else if (roll >= 85 && roll < 95) {
        wanted = chance(50) ? PortBlock{0, count()} : PortBlock{port(host, transport), 0};
    } else if (roll >= 95) {
        wanted = PortBlock{static_cast<Port>(between(1, highest_port)), count()};
    }
    const Pid who = caller();
    if (lookup) return req::PersistLookup{who, transport, wanted};
    return req::PersistDelete{who, transport, wanted};
}

}  // namespace wsrsim::differential
