// One transport's port space: its reservations by start and its bound sockets by
// port in intrusive search trees, and the free runs of its dynamic range in fixed
// structures over the 65536 ports. Every query is O(log n) in live reservations
// and bound sockets or a few word operations, never a walk over ports.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "objects.hpp"

namespace wsrsim::core {

// A set of ports as a bitmap of 65536 bits, with a level above holding a bit per
// 64-bit word that says whether the word has any bit set, three levels in all:
// the nearest member at or below a port takes a few word operations however far
// away it is, where a search tree would take a hard-to-predict branch at each of
// its levels.
class PortSet {
public:
    PortSet();
    void insert(std::uint32_t port) { mark(port, true); }
    void erase(std::uint32_t port) { mark(port, false); }
    std::optional<std::uint32_t> at_or_before(std::uint32_t port) const;
    // Empties the set, calling visit(port) for each member.
    template <class Visit>
    void clear(Visit visit) { clear_word(levels - 1, 0, visit); }

private:
    static constexpr std::size_t levels = 3;  // 65536 = 64^2 * 16 bits
    // A level up, a bit stands for a whole word below: 64 times the ports.
    static constexpr std::uint32_t level_bits = 6;
    static constexpr std::uint32_t word_bits = 1u << level_bits;

    void mark(std::uint32_t port, bool member);
    // Empties a word and, below the top level, the words its bits stand for.
    template <class Visit>
    void clear_word(std::size_t level, std::uint32_t word, Visit& visit) {
        for (std::uint64_t bits = std::exchange(words_[level][word], 0); bits != 0; bits &= bits - 1) {
            const std::uint32_t index = word * word_bits + static_cast<std::uint32_t>(std::countr_zero(bits));
            if (level == 0) visit(index);
            else clear_word(level - 1, index, visit);
        }
    }

    std::array<std::vector<std::uint64_t>, levels> words_;
};

// A set of ports as one flat bitmap of 65536 bits: whether a port is a member is
// one load, where a search tree takes a descent, a cache miss a level once it is
// large. A range of ports is added or removed a 64-bit word at a time.
class PortBitmap {
public:
    PortBitmap() : words_(65536 / word_bits) {}
    bool contains(std::uint32_t port) const { return (words_[port / word_bits] >> (port % word_bits)) & 1; }
    // Makes [first, last] members, or not.
    void assign(std::uint32_t first, std::uint32_t last, bool member);

private:
    static constexpr std::uint32_t word_bits = 64;
    std::vector<std::uint64_t> words_;
};

// The free runs of a dynamic range: maximal runs of ports neither reserved nor
// bound, each known by its start. Boost.Intrusive trees cannot carry subtree
// aggregates, so two fixed structures over the 65536 ports answer every query in
// a few steps however many runs there are, and nothing is allocated per run:
// - a 16-ary max-tree: leaf P holds the length of the run starting at P (0 if
//   none) and each level above the maximum of 16 entries below, for "the lowest
//   run at or after P of at least N ports". Five levels; 16 siblings share a
//   cache line.
// - the set of run starts, for "the run containing P" (the nearest start at or
//   below P).
class FreeRuns {
public:
    // A run, or with length 0 none (a plain value rather than an optional: it
    // comes back in one register instead of through the stack).
    struct Run {
        std::uint32_t start = 0;
        std::uint32_t length = 0;
        bool empty() const { return length == 0; }
        std::uint32_t last() const { return start + length - 1; }
    };

    FreeRuns();
    // A run of `length` ports starts at `start` from now on; 0: none does.
    void set(std::uint32_t start, std::uint32_t length);
    void clear();

    std::uint32_t length_at(std::uint32_t start) const { return lengths_[0][start]; }
    std::uint32_t longest() const { return lengths_[top][0]; }
    Run containing(std::uint32_t port) const;
    // The lowest run start >= from whose run is at least `length` long.
    std::optional<std::uint32_t> leftmost_at_least(std::uint32_t from, std::uint32_t length) const;

private:
    static constexpr std::uint32_t fanout = 16;
    static constexpr std::size_t top = 4;  // 65536 = 16^4 leaves

    // The maximum of the group holding `entry`, with `entry` read as `value`.
    std::uint16_t group_max_with(std::size_t level, std::uint32_t entry, std::uint16_t value) const;
    // The first index >= from, within from's group of 16 at `level`, holding >= length.
    std::optional<std::uint32_t> scan_group(std::size_t level, std::uint32_t from,
                                            std::uint32_t length) const;

    std::array<std::vector<std::uint16_t>, top + 1> lengths_;
    PortSet starts_;
};

// Reservations by start port, in an intrusive search tree: the nearest start at
// or below a port, or at or after it, in O(log n), and the reservations in order.
class ReservationsByStart {
    using Tree = IndexBy<Reservation, &Reservation::by_start, Port, reservation_start>;

public:
    Reservation* at_or_before(std::uint32_t port) const;
    // The lowest start in [port, last]; port may be 65536 (none).
    Reservation* at_or_after(std::uint32_t port, std::uint32_t last = highest_port) const;
    void insert(Reservation& reservation) { tree_.insert(reservation); }
    void erase(Reservation& reservation) { tree_.erase(tree_.iterator_to(reservation)); }

    // In start order; the host may change anything of a reservation but its start.
    // An iterator stays valid while other reservations are erased.
    Tree::iterator begin() const { return mutable_tree().begin(); }
    Tree::iterator end() const { return mutable_tree().end(); }
    // The first reservation, in start order, whose block may reach `port`: the
    // one starting at or before it, else the first after it.
    Tree::iterator first_reaching(std::uint32_t port) const;

private:
    Tree& mutable_tree() const { return const_cast<Tree&>(tree_); }
    Tree tree_;
};

// Bound sockets by port, in an intrusive search tree that keeps the sockets
// sharing a port (those of one reservation) side by side, in the order they bound.
class SocketsByPort {
    using Tree = MultiIndexBy<Socket, &Socket::by_port, Port, socket_port>;

public:
    bool holds(std::uint32_t port) const { return one_on(port) != nullptr; }
    // The first socket bound on the port, if any.
    Socket* one_on(std::uint32_t port) const;
    // The lowest bound port in [first, last]; first may be 65536 (none).
    std::optional<std::uint32_t> port_in(std::uint32_t first, std::uint32_t last = highest_port) const;
    // The lowest port in [first, last] no socket is bound on.
    std::optional<std::uint32_t> unbound_port_in(std::uint32_t first, std::uint32_t last) const;
    void insert(Socket& socket) { tree_.insert(socket); }  // at socket.port
    void erase(Socket& socket) { tree_.erase(tree_.iterator_to(socket)); }

private:
    Tree tree_;
};

class PortSpace {
public:
    explicit PortSpace(DynamicRange range);
    PortSpace(const PortSpace&) = delete;
    PortSpace& operator=(const PortSpace&) = delete;

    const DynamicRange& range() const { return range_; }
    void set_range(DynamicRange range);

    // Reservations.
    Reservation* covering(Port port) const;
    Reservation* overlapping(PortBlock block) const;
    Reservation* exactly(PortBlock block) const;
    void add(Reservation& reservation);     // its block must be free
    void remove(Reservation& reservation);  // its unbound ports become free
    const ReservationsByStart& reservations() const { return reservations_; }  // never change a start

    // Bound sockets. bound_on gives one of the sockets bound on the port, if any.
    Socket* bound_on(Port port) const { return bound_.one_on(port); }
    bool any_bound_in(PortBlock block) const;
    bool is_free(PortBlock block) const;
    // Cost grows with the bound ports at the start of the block, not with its size.
    std::optional<Port> lowest_unbound_in(PortBlock block) const;
    void bind(Socket& socket, Port port);
    void unbind(Socket& socket);

    // Free runs of the dynamic range.
    std::uint32_t longest_free_run() const { return runs_.longest(); }
    // The lowest start >= from of `length` free ports.
    std::optional<Port> fit_at_or_after(std::uint32_t from, std::uint32_t length) const;
    // How many starts fit `length` free ports, and the k-th of them in port order.
    std::uint64_t fitting_starts(std::uint32_t length) const;
    Port nth_fitting_start(std::uint64_t k, std::uint32_t length) const;

    PortSpaceCounts counts() const { return counts_; }
    // The highest each count has been, kept as the counts grow.
    PortSpaceCounts peaks() const { return peaks_; }

private:
    // Cuts [first, last] down to the dynamic range, the only ports that make runs;
    // false if nothing is left.
    bool clip_to_range(std::uint32_t& first, std::uint32_t& last) const;
    void occupy(std::uint32_t first, std::uint32_t last);
    void cut(const FreeRuns::Run& run, std::uint32_t first, std::uint32_t last);
    void vacate(std::uint32_t first, std::uint32_t last);

    DynamicRange range_;
    ReservationsByStart reservations_;
    SocketsByPort bound_;
    FreeRuns runs_;
    PortSpaceCounts counts_;
    PortSpaceCounts peaks_;
    // The ports of reservations_, for the one question unbinding asks of every
    // port: is it reserved? (At 100,000 live reservations the tree's answer was
    // a third of an associate+bind+close.)
    PortBitmap reserved_;
};

}  // namespace wsrsim::core
