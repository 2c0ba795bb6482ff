// Statistics of where wildcard blocks lie in netsh tables, to compare placement
// policies with real hosts (README "Placement against real hosts").
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "wsrsim/netsh_import.hpp"
#include "wsrsim/policy.hpp"

namespace wsrsim::trace {

// Rows smaller than this are applications' own reservations, not the blocks a
// service takes, and are left out (as in the published figures).
inline constexpr Port smallest_service_block = 50;

// One transport's table of one host: its runtime blocks and its dynamic range.
struct PortTable {
    std::vector<PortBlock> blocks;  // in any order
    DynamicRange range;
};

// The tables an import describes: one per transport with a row or a range; the
// runtime rows of at least smallest_service_block ports (`*` rows are administered
// exclusions, not placed by a policy).
std::vector<PortTable> service_tables(const ImportedTables& imported);

using Histogram = std::map<std::uint64_t, std::uint64_t>;  // value -> how often

// Pooled over every table. A run is a maximal sequence of blocks each starting
// right after the end of the one before (blocks sorted by start).
struct TableStats {
    std::uint64_t tables = 0;
    std::uint64_t blocks = 0;
    Histogram block_sizes;
    std::uint64_t adjacent = 0;         // blocks starting right after the previous block
    std::uint64_t with_previous = 0;    // blocks that have a previous block in their table
    Histogram run_lengths;              // in blocks
    Histogram gaps;                     // free ports between consecutive runs of a table
    std::uint64_t covered_ports = 0;    // block ports inside their table's dynamic range
    std::uint64_t range_ports = 0;      // 0: the ranges are not known
    std::uint64_t blocks_outside_range = 0;

    std::uint64_t runs() const;
    double adjacency_fraction() const;  // adjacent / with_previous
    double mean_run_length() const;     // blocks / runs
    double covered_share() const;       // covered_ports / range_ports
};

TableStats table_stats(const std::vector<PortTable>& tables);

// The figures published for 33 real Hyper-V / WSL / Docker hosts (issue 8): block
// sizes and run lengths; gaps and ranges are not known.
TableStats real_host_stats();

struct StatsDistance {
    double adjacency;        // |a - b| of the adjacency fractions
    double mean_run_length;  // |a - b|
    double run_lengths;      // total-variation distance between the run-length distributions
};

StatsDistance distance(const TableStats& a, const TableStats& b);

// The TCP tables of `hosts` model hosts right after a `gen hyperv` boot, seeds
// first_seed, first_seed + 1, ..., placing wildcard blocks with `placement`.
std::vector<PortTable> simulated_hyperv_tables(WildcardPlacement placement, std::uint64_t hosts,
                                               std::uint64_t first_seed = 1);

}  // namespace wsrsim::trace
