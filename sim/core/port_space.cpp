#include "port_space.hpp"

#include <algorithm>
#include <cassert>

namespace wsrsim::core {

namespace {

std::uint32_t highest_bit(std::uint64_t word) { return static_cast<std::uint32_t>(std::bit_width(word)) - 1; }

}  // namespace

// ---- PortSet ----

PortSet::PortSet() {
    std::size_t size = 65536;
    for (auto& level : words_) {
        size = (size + word_bits - 1) / word_bits;
        level.assign(size, 0);
    }
}

// The climb stops at the first word that was and stays non-empty: the levels
// above cannot change.
void PortSet::mark(std::uint32_t port, bool member) {
    std::uint32_t index = port;
    for (auto& level : words_) {
        std::uint64_t& word = level[index / word_bits];
        const bool was_empty = word == 0;
        const std::uint64_t bit = std::uint64_t{1} << (index % word_bits);
        word = member ? word | bit : word & ~bit;
        if ((word == 0) == was_empty) break;
        index /= word_bits;
    }
}

std::optional<std::uint32_t> PortSet::at_or_before(std::uint32_t port) const {
    // Climb: the bits at or below `index` in its word, else the words before it.
    std::size_t level = 0;
    std::uint32_t index = port;
    for (;; ++level) {
        if (level == levels) return std::nullopt;
        const std::uint64_t word = words_[level][index / word_bits];
        const std::uint64_t at_or_below = word & (~std::uint64_t{0} >> (word_bits - 1 - index % word_bits));
        if (at_or_below != 0) {
            index = index / word_bits * word_bits + highest_bit(at_or_below);
            break;
        }
        if (index < word_bits) return std::nullopt;
        index = index / word_bits - 1;
    }
    // Descend: the highest bit of each word, down to a port.
    for (; level > 0; --level) index = index * word_bits + highest_bit(words_[level - 1][index]);
    return index;
}

// ---- PortBitmap ----

void PortBitmap::assign(std::uint32_t first, std::uint32_t last, bool member) {
    // The bits at and above `port` in its word, and those at and below it.
    const auto from = [](std::uint32_t port) { return ~std::uint64_t{0} << (port % word_bits); };
    const auto up_to = [](std::uint32_t port) { return ~std::uint64_t{0} >> (word_bits - 1 - port % word_bits); };
    const std::uint32_t first_word = first / word_bits;
    const std::uint32_t last_word = last / word_bits;
    for (std::uint32_t word = first_word; word <= last_word; ++word) {
        std::uint64_t bits = ~std::uint64_t{0};
        if (word == first_word) bits &= from(first);
        if (word == last_word) bits &= up_to(last);
        words_[word] = member ? words_[word] | bits : words_[word] & ~bits;
    }
}

// ---- FreeRuns ----

FreeRuns::FreeRuns() {
    std::size_t size = 65536;
    for (auto& level : lengths_) {
        level.assign(size, 0);
        size /= fanout;
    }
}

// The maximum of the 16 entries in `entry`'s group at `level`, reading `entry`
// as `value`: set() writes an entry only after reading its group. A group loaded
// just after one of its entries was written waits for that write to reach the
// cache (a narrow store cannot be forwarded to a wide load); at every level
// climbed, that wait was half of an acquire+release. Kept as a loop over 16-bit
// lanes, GCC vectorizes it into a few branch-free SIMD instructions, where fully
// unrolled it becomes a chain of 16 compares.
std::uint16_t FreeRuns::group_max_with(std::size_t level, std::uint32_t entry, std::uint16_t value) const {
    const auto lane = static_cast<std::uint16_t>(entry % fanout);
    const std::uint16_t* first = lengths_[level].data() + (entry - lane);
    // Compared as signed values 32768 lower: SSE2 has a signed 16-bit maximum
    // (pmaxsw) but no unsigned one, which takes two instructions per step.
    std::int16_t highest = INT16_MIN;
#pragma GCC unroll 1
    for (std::uint16_t i = 0; i < fanout; ++i) {
        const std::uint16_t stored = first[i];
        const std::uint16_t entry_value = i == lane ? value : stored;
        highest = std::max(highest, static_cast<std::int16_t>(entry_value ^ 0x8000));
    }
    return static_cast<std::uint16_t>(static_cast<std::uint16_t>(highest) ^ 0x8000);
}

void FreeRuns::set(std::uint32_t start, std::uint32_t length) {
    std::uint16_t before = lengths_[0][start];
    std::uint16_t after = static_cast<std::uint16_t>(length);
    if (before == 0 && after != 0) starts_.insert(start);
    if (before != 0 && after == 0) starts_.erase(start);
    // Climb only while a maximum changes. A child that grows lifts its parent
    // directly; only a child that held the maximum and shrank needs a rescan,
    // read before the child is written.
    std::uint32_t index = start;
    for (std::size_t level = 0; level < top; ++level) {
        const std::uint32_t group = index / fanout;
        const std::uint16_t parent = lengths_[level + 1][group];
        std::uint16_t new_parent = after;
        if (after < parent) new_parent = before < parent ? parent : group_max_with(level, index, after);
        lengths_[level][index] = after;
        if (new_parent == parent) return;
        before = parent;
        after = new_parent;
        index = group;
    }
    lengths_[top][index] = after;
}

// Every non-zero entry of the max-tree lies on the path up from a run start.
void FreeRuns::clear() {
    starts_.clear([this](std::uint32_t start) {
        std::uint32_t entry = start;
        for (auto& lengths : lengths_) {
            lengths[entry] = 0;
            entry /= fanout;
        }
    });
}

FreeRuns::Run FreeRuns::containing(std::uint32_t port) const {
    const auto start = starts_.at_or_before(port);
    if (!start) return Run{};
    const Run run{*start, length_at(*start)};
    return run.last() >= port ? run : Run{};
}

std::optional<std::uint32_t> FreeRuns::scan_group(std::size_t level, std::uint32_t from,
                                                  std::uint32_t length) const {
    const std::uint32_t group_end = (from / fanout + 1) * fanout;
    for (std::uint32_t i = from; i < group_end && i < lengths_[level].size(); ++i)
        if (lengths_[level][i] >= length) return i;
    return std::nullopt;
}

std::optional<std::uint32_t> FreeRuns::leftmost_at_least(std::uint32_t from, std::uint32_t length) const {
    // Climb: look right of `from` within each group, one level up each time.
    std::size_t level = 0;
    std::optional<std::uint32_t> hit;
    for (std::uint32_t index = from; level <= top; ++level, index = index / fanout + 1) {
        if (index >= lengths_[level].size()) return std::nullopt;
        if ((hit = scan_group(level, index, length))) break;
    }
    if (!hit) return std::nullopt;
    // Descend: the leftmost child long enough, down to a leaf.
    for (; level > 0; --level) hit = scan_group(level - 1, *hit * fanout, length);
    return hit;
}

// ---- Ordered indexes ----

namespace {

enum class Side { at_or_below, at_or_above };

// In an ordered index, the element with the highest key at or below `key`, or
// the one with the lowest key at or above it (the first of equals), if any: one
// descent from the root, keeping the last candidate passed. Boost answers the
// first with upper_bound and then a step back to the predecessor, a second walk
// through the tree. The choice of child must stay a branch: without one, each
// level's load waits for the one before, where a predicted branch runs ahead.
// GCC keeps the branch; clang merges the two loads into one from a computed
// address unless one side holds something it cannot move: the empty asm, without
// which clang's build ran associate+bind+close at 100,000 live reservations 33%
// slower.
template <class Tree>
auto nearest(const Tree& tree, Port key, Side side) {
    using Nodes = typename Tree::node_traits;
    using Values = typename Tree::value_traits;
    const typename Tree::key_of_value key_of;
    typename Nodes::node_ptr found = nullptr;
    typename Nodes::node_ptr node = tree.empty() ? nullptr : tree.root().pointed_node();
    while (node) {
        const Port at = key_of(*Values::to_value_ptr(node));
        const bool candidate = side == Side::at_or_below ? at <= key : at >= key;
        // Past a candidate, a closer one lies on the side away from it.
        const bool go_right = candidate == (side == Side::at_or_below);
        found = candidate ? node : found;
        if (go_right) {
            node = Nodes::get_right(node);
        } else {
            asm volatile("");
            node = Nodes::get_left(node);
        }
    }
    return found ? Values::to_value_ptr(found) : nullptr;
}

}  // namespace

// ---- ReservationsByStart ----

Reservation* ReservationsByStart::at_or_before(std::uint32_t port) const {
    return nearest(tree_, static_cast<Port>(std::min(port, highest_port)), Side::at_or_below);
}

Reservation* ReservationsByStart::at_or_after(std::uint32_t port, std::uint32_t last) const {
    if (port > highest_port) return nullptr;
    Reservation* r = nearest(tree_, static_cast<Port>(port), Side::at_or_above);
    return r && r->block.start <= last ? r : nullptr;
}

ReservationsByStart::Tree::iterator ReservationsByStart::first_reaching(std::uint32_t port) const {
    Reservation* r = at_or_before(port);
    return r ? mutable_tree().iterator_to(*r) : begin();
}

// ---- SocketsByPort ----

Socket* SocketsByPort::one_on(std::uint32_t port) const {
    if (port > highest_port) return nullptr;
    Socket* s = nearest(tree_, static_cast<Port>(port), Side::at_or_above);
    return s && s->port == port ? s : nullptr;
}

std::optional<std::uint32_t> SocketsByPort::port_in(std::uint32_t first, std::uint32_t last) const {
    if (first > highest_port) return std::nullopt;
    const Socket* s = nearest(tree_, static_cast<Port>(first), Side::at_or_above);
    if (!s || s->port > last) return std::nullopt;
    return s->port;
}

// One walk in port order over the sockets bound from `first` on, while they hold
// each port in turn, rather than a lookup per port. Sockets sharing a port come
// one after another: each leaves the candidate just past their port.
std::optional<std::uint32_t> SocketsByPort::unbound_port_in(std::uint32_t first, std::uint32_t last) const {
    if (first > highest_port) return std::nullopt;
    std::uint32_t candidate = first;
    if (const Socket* s = nearest(tree_, static_cast<Port>(first), Side::at_or_above)) {
        for (auto it = tree_.iterator_to(*s); it != tree_.end() && it->port <= candidate && candidate <= last; ++it)
            candidate = it->port + 1u;
    }
    if (candidate > last) return std::nullopt;
    return candidate;
}

// ---- PortSpace ----

PortSpace::PortSpace(DynamicRange range) { set_range(range); }

// The free runs are the gaps that reserved blocks and bound ports leave in the
// range: one walk over both in port order finds them. Only those that reach into
// the range matter, so the walk starts at the first of them and stops past it.
void PortSpace::set_range(DynamicRange range) {
    runs_.clear();
    range_ = range;
    std::uint32_t free_from = range.start;
    const auto taken = [&](std::uint32_t first, std::uint32_t last) {
        const std::uint32_t gap_last = std::min(first - 1, range.last());
        if (first > free_from && free_from <= gap_last) runs_.set(free_from, gap_last - free_from + 1);
        free_from = std::max(free_from, last + 1);
    };
    auto r = reservations_.first_reaching(range.start);
    auto port = bound_.port_in(range.start, range.last());
    while ((r != reservations_.end() && r->block.start <= range.last()) || port) {
        if (!port || (r != reservations_.end() && r->block.start <= *port)) {
            taken(r->block.start, r->block.last());
            ++r;
        } else {
            taken(*port, *port);
            port = bound_.port_in(*port + 1, range.last());
        }
    }
    if (free_from <= range.last()) runs_.set(free_from, range.last() - free_from + 1);
}

Reservation* PortSpace::covering(Port port) const {
    Reservation* r = reservations_.at_or_before(port);
    return r && r->block.contains(port) ? r : nullptr;
}

// The one covering the block's start, else the first starting inside the block.
Reservation* PortSpace::overlapping(PortBlock block) const {
    if (Reservation* r = covering(block.start)) return r;
    return reservations_.at_or_after(block.start + 1u, block.last());
}

Reservation* PortSpace::exactly(PortBlock block) const {
    Reservation* r = covering(block.start);
    return r && r->block == block ? r : nullptr;
}

void PortSpace::add(Reservation& reservation) {
    assert(is_free(reservation.block));
    reservations_.insert(reservation);
    reserved_.assign(reservation.block.start, reservation.block.last(), true);
    occupy(reservation.block.start, reservation.block.last());
    counts_.reservations += 1;
    counts_.reserved_ports += reservation.block.count;
    peaks_.reservations = std::max(peaks_.reservations, counts_.reservations);
    peaks_.reserved_ports = std::max(peaks_.reserved_ports, counts_.reserved_ports);
}

void PortSpace::remove(Reservation& reservation) {
    reservations_.erase(reservation);
    reserved_.assign(reservation.block.start, reservation.block.last(), false);
    counts_.reservations -= 1;
    counts_.reserved_ports -= reservation.block.count;
    // Ports bound inside the block stay occupied; the runs between them come free.
    std::uint32_t first = reservation.block.start;
    std::uint32_t last = reservation.block.last();
    if (!clip_to_range(first, last)) return;
    std::uint32_t free_from = first;
    for (auto port = bound_.port_in(first, last); port; port = bound_.port_in(*port + 1, last)) {
        if (*port > free_from) vacate(free_from, *port - 1);
        free_from = *port + 1;
    }
    if (free_from <= last) vacate(free_from, last);
}

bool PortSpace::any_bound_in(PortBlock block) const {
    return bound_.port_in(block.start, block.last()).has_value();
}

bool PortSpace::is_free(PortBlock block) const {
    // Inside the dynamic range the free ports are exactly those of the free runs:
    // one lookup answers.
    if (range_.contains(block.start) && range_.contains(block.last())) {
        const auto run = runs_.containing(block.start);
        return !run.empty() && run.last() >= block.last();
    }
    return !overlapping(block) && !any_bound_in(block);
}

std::optional<Port> PortSpace::lowest_unbound_in(PortBlock block) const {
    const auto port = bound_.unbound_port_in(block.start, block.last());
    if (!port) return std::nullopt;
    return static_cast<Port>(*port);
}

void PortSpace::bind(Socket& socket, Port port) {
    assert(socket.port == 0 && port != 0);
    socket.port = port;
    bound_.insert(socket);
    counts_.bound_sockets += 1;
    peaks_.bound_sockets = std::max(peaks_.bound_sockets, counts_.bound_sockets);
    // A port in a free run was neither reserved nor bound until now; only the
    // dynamic range has runs.
    if (!range_.contains(port)) return;
    if (const auto run = runs_.containing(port); !run.empty()) cut(run, port, port);
}

void PortSpace::unbind(Socket& socket) {
    const Port port = socket.port;
    bound_.erase(socket);
    socket.port = 0;
    counts_.bound_sockets -= 1;
    // Only dynamic-range ports make runs; elsewhere there is nothing to give back.
    if (range_.contains(port) && !reserved_.contains(port) && !bound_.holds(port)) vacate(port, port);
}

bool PortSpace::clip_to_range(std::uint32_t& first, std::uint32_t& last) const {
    first = std::max(first, range_.start);
    last = std::min(last, range_.last());
    return first <= last;
}

// [first, last] (clipped to the dynamic range) is free and lies in one run: cut it out.
void PortSpace::occupy(std::uint32_t first, std::uint32_t last) {
    if (!clip_to_range(first, last)) return;
    const auto run = runs_.containing(first);
    assert(!run.empty() && run.last() >= last);
    cut(run, first, last);
}

// [first, last] lies in `run`: what is left of the run on either side stays free.
// The right part first: shorter than the whole run, its climb up the max-tree
// stops where its path meets the run's; the run's own entry, shrinking next,
// then climbs once for both, where the other order could climb twice.
void PortSpace::cut(const FreeRuns::Run& run, std::uint32_t first, std::uint32_t last) {
    if (last < run.last()) runs_.set(last + 1, run.last() - last);
    runs_.set(run.start, first - run.start);
}

// [first, last], inside the dynamic range, was occupied and is free now: join it
// with the runs on either side.
void PortSpace::vacate(std::uint32_t first, std::uint32_t last) {
    assert(first <= last && range_.contains(first) && range_.contains(last));
    const auto left = first > range_.start ? runs_.containing(first - 1) : FreeRuns::Run{};
    const std::uint32_t start = left.empty() ? first : left.start;
    const std::uint32_t right = last < range_.last() ? runs_.length_at(last + 1) : 0;
    // The joined run first: it outgrows the right one, so dropping that one then
    // stops climbing the max-tree where their paths meet.
    runs_.set(start, last + right - start + 1);
    if (right != 0) runs_.set(last + 1, 0);
}

std::optional<Port> PortSpace::fit_at_or_after(std::uint32_t from, std::uint32_t length) const {
    if (const auto run = runs_.containing(from); !run.empty() && run.last() - from + 1 >= length)
        return static_cast<Port>(from);
    if (auto start = runs_.leftmost_at_least(from + 1, length)) return static_cast<Port>(*start);
    return std::nullopt;
}

std::uint64_t PortSpace::fitting_starts(std::uint32_t length) const {
    std::uint64_t total = 0;
    for (auto start = runs_.leftmost_at_least(0, length); start;
         start = runs_.leftmost_at_least(*start + 1, length))
        total += runs_.length_at(*start) - length + 1;
    return total;
}

Port PortSpace::nth_fitting_start(std::uint64_t k, std::uint32_t length) const {
    for (auto start = runs_.leftmost_at_least(0, length); start;
         start = runs_.leftmost_at_least(*start + 1, length)) {
        const std::uint64_t here = runs_.length_at(*start) - length + 1;
        if (k < here) return static_cast<Port>(*start + k);
        k -= here;
    }
    assert(false && "k is below fitting_starts(length)");
    return 0;
}

}  // namespace wsrsim::core
