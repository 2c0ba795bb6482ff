#include "wsrsim/table_stats.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <sstream>

#include "wsrsim/netsh.hpp"
#include "wsrsim/replay.hpp"
#include "wsrsim/trace_gen.hpp"

namespace wsrsim::trace {
namespace {

constexpr std::array transports{Transport::tcp, Transport::udp};

double ratio(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::uint64_t total(const Histogram& histogram) {
    std::uint64_t sum = 0;
    for (const auto& [value, count] : histogram) sum += count;
    return sum;
}

// The ports of `block` inside `range`.
std::uint64_t ports_inside(PortBlock block, const DynamicRange& range) {
    const std::uint32_t first = std::max<std::uint32_t>(block.start, range.start);
    const std::uint32_t last = std::min<std::uint32_t>(block.last(), range.last());
    return first > last ? 0 : last - first + 1;
}

void add_table(TableStats& stats, PortTable table) {
    if (table.blocks.empty()) return;
    std::ranges::sort(table.blocks, {}, &PortBlock::start);
    ++stats.tables;
    stats.range_ports += table.range.count;
    std::uint64_t run = 0;
    const PortBlock* previous = nullptr;
    for (const PortBlock& block : table.blocks) {
        ++stats.blocks;
        ++stats.block_sizes[block.count];
        const std::uint64_t inside = ports_inside(block, table.range);
        stats.covered_ports += inside;
        if (inside < block.count) ++stats.blocks_outside_range;
        if (previous) {
            ++stats.with_previous;
            const std::uint32_t after_previous = previous->last() + 1u;
            if (block.start == after_previous) {
                ++stats.adjacent;
            } else {
                ++stats.run_lengths[run];
                ++stats.gaps[block.start - after_previous];
                run = 0;
            }
        }
        ++run;
        previous = &block;
    }
    ++stats.run_lengths[run];
}

}  // namespace

std::vector<PortTable> service_tables(const ImportedTables& imported) {
    std::vector<PortTable> tables;
    for (Transport transport : transports) {
        PortTable table;
        for (const ImportedRange& range : imported.dynamic_ranges)
            if (range.transport == transport) table.range = range.range;  // the last one given wins
        for (const ImportedRow& row : imported.rows)
            if (row.transport == transport && !row.administered && row.block.count >= smallest_service_block)
                table.blocks.push_back(row.block);
        if (!table.blocks.empty()) tables.push_back(std::move(table));
    }
    return tables;
}

std::uint64_t TableStats::runs() const { return total(run_lengths); }
double TableStats::adjacency_fraction() const { return ratio(adjacent, with_previous); }
double TableStats::mean_run_length() const { return ratio(blocks, runs()); }
double TableStats::covered_share() const { return ratio(covered_ports, range_ports); }

TableStats table_stats(const std::vector<PortTable>& tables) {
    TableStats stats;
    for (const PortTable& table : tables) add_table(stats, table);
    return stats;
}

TableStats real_host_stats() {
    TableStats stats{.tables = 33,
                     .blocks = 373,
                     .block_sizes = {{60, 1}, {64, 6}, {100, 365}, {1000, 1}},
                     .run_lengths = {{1, 62}, {2, 30}, {3, 14}, {4, 11}, {5, 8}, {6, 7}, {7, 6}, {8, 4}, {9, 1}}};
    // Every block but the first of its table either starts a run or extends one.
    stats.with_previous = stats.blocks - stats.tables;
    stats.adjacent = stats.blocks - stats.runs();
    return stats;
}

StatsDistance distance(const TableStats& a, const TableStats& b) {
    std::set<std::uint64_t> lengths;
    for (const Histogram* histogram : {&a.run_lengths, &b.run_lengths})
        for (const auto& [length, count] : *histogram) lengths.insert(length);
    const auto share = [](const TableStats& stats, std::uint64_t length) {
        const auto found = stats.run_lengths.find(length);
        return ratio(found == stats.run_lengths.end() ? 0 : found->second, stats.runs());
    };
    double total_variation = 0;
    for (std::uint64_t length : lengths) total_variation += std::abs(share(a, length) - share(b, length));
    return {.adjacency = std::abs(a.adjacency_fraction() - b.adjacency_fraction()),
            .mean_run_length = std::abs(a.mean_run_length() - b.mean_run_length()),
            .run_lengths = total_variation / 2};
}

std::vector<PortTable> simulated_hyperv_tables(WildcardPlacement placement, std::uint64_t hosts,
                                               std::uint64_t first_seed) {
    // A boot writes fewer requests than this, and applications start a reboot only
    // after hundreds more, so the host ends holding the blocks of exactly one boot.
    constexpr std::uint64_t boot_requests = 150;
    std::vector<PortTable> tables;
    for (std::uint64_t seed = first_seed; seed < first_seed + hosts; ++seed) {
        std::stringstream trace;
        generate_trace(trace, {.kind = GeneratedTrace::hyperv, .seed = seed, .events = boot_requests,
                               .expectations = false, .placement = placement});
        ModelHost model;
        replay(trace, model.factory(), ReplayOptions{.file = "<generated>"});
        if (!model.host()) continue;  // the trace never started a host (a generator bug)
        std::istringstream netsh_text(netsh::show_dynamic_port(*model.host(), Transport::tcp) +
                                      netsh::show_excluded_port_range(*model.host(), Transport::tcp));
        for (PortTable& table : service_tables(read_netsh_tables(netsh_text))) tables.push_back(std::move(table));
    }
    return tables;
}

}  // namespace wsrsim::trace
