// One transport's port space: its reservations and bound sockets in intrusive
// ordered indexes, and the free runs of its dynamic range. Every query is
// O(log n) in live reservations and bound sockets, never a walk over ports.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "objects.hpp"
#include "pool.hpp"

namespace wsrsim::core {

// A maximal run of dynamic-range ports that are neither reserved nor bound.
struct FreeRun {
    SetHook by_start;
    std::uint32_t start = 0;
    std::uint32_t last = 0;
    std::uint32_t length() const { return last - start + 1; }
};

inline std::uint32_t run_start(const FreeRun& run) { return run.start; }
using FreeRunsByStart = IndexBy<FreeRun, &FreeRun::by_start, std::uint32_t, run_start>;

// Boost.Intrusive trees cannot carry subtree aggregates, so "the lowest run at or
// after port P that is at least N long" is answered by this max-tree over run
// starts: leaf P holds the length of the run starting at P (0 if none), and each
// level above holds the maximum of 16 entries below. Five levels, fixed size,
// independent of how many runs there are; 16 siblings share a cache line.
class LongestRunIndex {
public:
    LongestRunIndex();
    void set(std::uint32_t start, std::uint32_t length);
    std::uint32_t length_at(std::uint32_t start) const { return levels_[0][start]; }
    std::uint32_t longest() const { return levels_[top][0]; }
    // The lowest run start >= from whose run is at least `length` long.
    std::optional<std::uint32_t> leftmost_at_least(std::uint32_t from, std::uint32_t length) const;

private:
    static constexpr std::uint32_t fanout = 16;
    static constexpr std::size_t top = 4;  // 65536 = 16^4 leaves
    // The first index >= from, within from's group of 16 at `level`, holding >= length.
    std::optional<std::uint32_t> scan_group(std::size_t level, std::uint32_t from,
                                            std::uint32_t length) const;
    std::array<std::vector<std::uint16_t>, top + 1> levels_;
};

class PortSpace {
public:
    explicit PortSpace(DynamicRange range);
    ~PortSpace();
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
    const ReservationsByStart& reservations() const { return reservations_; }
    ReservationsByStart& reservations() { return reservations_; }  // never change a start

    // Bound sockets.
    Socket* first_bound_on(Port port) const;
    bool any_bound_in(PortBlock block) const;
    bool is_free(PortBlock block) const { return !overlapping(block) && !any_bound_in(block); }
    // Cost grows with the bound ports at the start of the block, not with its size.
    std::optional<Port> lowest_unbound_in(PortBlock block) const;
    void bind(Socket& socket, Port port);
    void unbind(Socket& socket);
    const SocketsByPort& bound() const { return bound_; }

    // Free runs of the dynamic range.
    std::uint32_t longest_free_run() const { return longest_.longest(); }
    // The lowest start >= from of `length` free ports.
    std::optional<Port> fit_at_or_after(std::uint32_t from, std::uint32_t length) const;
    // How many starts fit `length` free ports, and the k-th of them in port order.
    std::uint64_t fitting_starts(std::uint32_t length) const;
    Port nth_fitting_start(std::uint64_t k, std::uint32_t length) const;

    PortSpaceCounts counts() const { return counts_; }
    // The highest each count has been, kept as the counts grow.
    PortSpaceCounts peaks() const { return peaks_; }

private:
    void occupy(std::uint32_t first, std::uint32_t last);
    void vacate(std::uint32_t first, std::uint32_t last);
    FreeRun* run_containing(std::uint32_t port) const;
    void index(FreeRun& run) { longest_.set(run.start, run.length()); }
    void drop_run(FreeRun& run);
    void clear_runs();

    DynamicRange range_;
    ReservationsByStart reservations_;
    SocketsByPort bound_;
    FreeRunsByStart runs_;
    LongestRunIndex longest_;
    Pool<FreeRun> run_pool_;
    PortSpaceCounts counts_;
    PortSpaceCounts peaks_;
};

}  // namespace wsrsim::core
