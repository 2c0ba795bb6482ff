#include "port_space.hpp"

#include <algorithm>
#include <cassert>

namespace wsrsim::core {

LongestRunIndex::LongestRunIndex() {
    std::size_t size = 65536;
    for (auto& level : levels_) {
        level.assign(size, 0);
        size /= fanout;
    }
}

void LongestRunIndex::set(std::uint32_t start, std::uint32_t length) {
    std::uint16_t before = levels_[0][start];
    std::uint16_t after = static_cast<std::uint16_t>(length);
    levels_[0][start] = after;
    // Climb only while a maximum changes. A child that grows lifts its parent
    // directly; only a child that held the maximum and shrank needs a rescan.
    std::uint32_t index = start;
    for (std::size_t level = 1; level <= top; ++level) {
        const std::uint32_t group = index / fanout;
        std::uint16_t& parent = levels_[level][group];
        const std::uint16_t old_parent = parent;
        if (after < parent) {
            if (before < parent) break;
            const auto first = levels_[level - 1].begin() + group * fanout;
            parent = *std::max_element(first, first + fanout);
        } else {
            parent = after;
        }
        if (parent == old_parent) break;
        before = old_parent;
        after = parent;
        index = group;
    }
}

std::optional<std::uint32_t> LongestRunIndex::scan_group(std::size_t level, std::uint32_t from,
                                                         std::uint32_t length) const {
    const std::uint32_t group_end = (from / fanout + 1) * fanout;
    for (std::uint32_t i = from; i < group_end && i < levels_[level].size(); ++i)
        if (levels_[level][i] >= length) return i;
    return std::nullopt;
}

std::optional<std::uint32_t> LongestRunIndex::leftmost_at_least(std::uint32_t from,
                                                                 std::uint32_t length) const {
    // Climb: look right of `from` within each group, one level up each time.
    std::size_t level = 0;
    std::optional<std::uint32_t> hit;
    for (std::uint32_t index = from; level <= top; ++level, index = index / fanout + 1) {
        if (index >= levels_[level].size()) return std::nullopt;
        if ((hit = scan_group(level, index, length))) break;
    }
    if (!hit) return std::nullopt;
    // Descend: the leftmost child long enough, down to a leaf.
    for (; level > 0; --level) hit = scan_group(level - 1, *hit * fanout, length);
    return hit;
}

PortSpace::PortSpace(DynamicRange range) { set_range(range); }

PortSpace::~PortSpace() {
    // The host owns reservations and sockets; only unhook them here.
    reservations_.clear();
    bound_.clear();
    clear_runs();
}

void PortSpace::clear_runs() {
    runs_.clear_and_dispose([this](FreeRun* run) {
        longest_.set(run->start, 0);
        run_pool_.destroy(run);
    });
}

void PortSpace::set_range(DynamicRange range) {
    clear_runs();
    range_ = range;
    FreeRun* all = run_pool_.create();
    all->start = range.start;
    all->last = range.last();
    runs_.insert(*all);
    index(*all);
    for (const Reservation& r : reservations_) occupy(r.block.start, r.block.last());
    for (auto it = bound_.begin(); it != bound_.end(); it = bound_.upper_bound(it->port))
        if (!covering(it->port)) occupy(it->port, it->port);
}

Reservation* PortSpace::covering(Port port) const {
    auto it = reservations_.upper_bound(port);
    if (it == reservations_.begin()) return nullptr;
    --it;
    return it->block.contains(port) ? const_cast<Reservation*>(&*it) : nullptr;
}

Reservation* PortSpace::overlapping(PortBlock block) const {
    if (Reservation* r = covering(block.start)) return r;
    auto it = reservations_.lower_bound(block.start);
    if (it != reservations_.end() && it->block.start <= block.last())
        return const_cast<Reservation*>(&*it);
    return nullptr;
}

Reservation* PortSpace::exactly(PortBlock block) const {
    Reservation* r = covering(block.start);
    return r && r->block == block ? r : nullptr;
}

void PortSpace::add(Reservation& reservation) {
    assert(is_free(reservation.block));
    reservations_.insert(reservation);
    occupy(reservation.block.start, reservation.block.last());
    counts_.reservations += 1;
    counts_.reserved_ports += reservation.block.count;
    peaks_.reservations = std::max(peaks_.reservations, counts_.reservations);
    peaks_.reserved_ports = std::max(peaks_.reserved_ports, counts_.reserved_ports);
}

void PortSpace::remove(Reservation& reservation) {
    reservations_.erase(reservations_.iterator_to(reservation));
    counts_.reservations -= 1;
    counts_.reserved_ports -= reservation.block.count;
    // Ports bound inside the block stay occupied; the runs between them come free.
    const PortBlock block = reservation.block;
    std::uint32_t free_from = block.start;
    for (auto it = bound_.lower_bound(block.start); it != bound_.end() && it->port <= block.last();
         ++it) {
        if (it->port > free_from) vacate(free_from, it->port - 1u);
        free_from = std::max<std::uint32_t>(free_from, it->port + 1u);
    }
    if (free_from <= block.last()) vacate(free_from, block.last());
}

Socket* PortSpace::first_bound_on(Port port) const {
    auto it = bound_.find(port);
    return it == bound_.end() ? nullptr : const_cast<Socket*>(&*it);
}

bool PortSpace::any_bound_in(PortBlock block) const {
    auto it = bound_.lower_bound(block.start);
    return it != bound_.end() && it->port <= block.last();
}

std::optional<Port> PortSpace::lowest_unbound_in(PortBlock block) const {
    std::uint32_t candidate = block.start;
    for (auto it = bound_.lower_bound(block.start); it != bound_.end() && it->port <= candidate; ++it)
        if (it->port == candidate) ++candidate;
    if (candidate > block.last()) return std::nullopt;
    return static_cast<Port>(candidate);
}

void PortSpace::bind(Socket& socket, Port port) {
    assert(socket.port == 0 && port != 0);
    const bool was_free = !covering(port) && !first_bound_on(port);
    socket.port = port;
    bound_.insert(socket);
    counts_.bound_sockets += 1;
    peaks_.bound_sockets = std::max(peaks_.bound_sockets, counts_.bound_sockets);
    if (was_free) occupy(port, port);
}

void PortSpace::unbind(Socket& socket) {
    const Port port = socket.port;
    bound_.erase(bound_.iterator_to(socket));
    socket.port = 0;
    counts_.bound_sockets -= 1;
    if (!covering(port) && !first_bound_on(port)) vacate(port, port);
}

FreeRun* PortSpace::run_containing(std::uint32_t port) const {
    auto it = runs_.upper_bound(port);
    if (it == runs_.begin()) return nullptr;
    --it;
    return it->last >= port ? const_cast<FreeRun*>(&*it) : nullptr;
}

void PortSpace::drop_run(FreeRun& run) {
    longest_.set(run.start, 0);
    runs_.erase(runs_.iterator_to(run));
    run_pool_.destroy(&run);
}

// [first, last] (clipped to the dynamic range) is free and lies in one run: cut it out.
void PortSpace::occupy(std::uint32_t first, std::uint32_t last) {
    first = std::max(first, range_.start);
    last = std::min(last, range_.last());
    if (first > last) return;
    FreeRun* run = run_containing(first);
    assert(run && run->last >= last);
    const std::uint32_t run_last = run->last;
    if (run->start < first) {
        run->last = first - 1;
        index(*run);
    } else {
        drop_run(*run);
    }
    if (last < run_last) {
        FreeRun* right = run_pool_.create();
        right->start = last + 1;
        right->last = run_last;
        runs_.insert(*right);
        index(*right);
    }
}

// [first, last] (clipped to the dynamic range) was occupied and is free now: join it
// with the runs on either side.
void PortSpace::vacate(std::uint32_t first, std::uint32_t last) {
    first = std::max(first, range_.start);
    last = std::min(last, range_.last());
    if (first > last) return;
    FreeRun* run = first > range_.start ? run_containing(first - 1) : nullptr;
    if (run) {
        run->last = last;
    } else {
        run = run_pool_.create();
        run->start = first;
        run->last = last;
        runs_.insert(*run);
    }
    auto next = runs_.find(last + 1);
    if (next != runs_.end()) {
        run->last = next->last;
        drop_run(*next);
    }
    index(*run);
}

std::optional<Port> PortSpace::fit_at_or_after(std::uint32_t from, std::uint32_t length) const {
    if (const FreeRun* run = run_containing(from); run && run->last - from + 1 >= length)
        return static_cast<Port>(from);
    if (auto start = longest_.leftmost_at_least(from + 1, length)) return static_cast<Port>(*start);
    return std::nullopt;
}

std::uint64_t PortSpace::fitting_starts(std::uint32_t length) const {
    std::uint64_t total = 0;
    for (auto start = longest_.leftmost_at_least(0, length); start;
         start = longest_.leftmost_at_least(*start + 1, length))
        total += longest_.length_at(*start) - length + 1;
    return total;
}

Port PortSpace::nth_fitting_start(std::uint64_t k, std::uint32_t length) const {
    for (auto start = longest_.leftmost_at_least(0, length); start;
         start = longest_.leftmost_at_least(*start + 1, length)) {
        const std::uint64_t here = longest_.length_at(*start) - length + 1;
        if (k < here) return static_cast<Port>(*start + k);
        k -= here;
    }
    assert(false && "k is below fitting_starts(length)");
    return 0;
}

}  // namespace wsrsim::core
