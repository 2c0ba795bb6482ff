// The statistics of `wsrsim stats` and the clustered placement they chose
// (README "Placement against real hosts").
#include <sstream>

#include "doctest/doctest.h"
#include "wsrsim/decisions.hpp"
#include "wsrsim/host.hpp"
#include "wsrsim/table_stats.hpp"

using namespace wsrsim;
using namespace wsrsim::trace;

namespace {

std::vector<PortTable> imported(std::string_view text) {
    std::istringstream in{std::string(text)};
    return service_tables(read_netsh_tables(in));
}

// Runs 49700-49899 and 50000-50099, a lone 50200-50299 and 50400-50463; the small
// row and the `*` row do not count. The dynamic range is 49152-65535.
constexpr std::string_view one_host = R"(
Protocol tcp Port Exclusion Ranges

Start Port    End Port
----------    --------
      5357        5357
     50000       50099
     49700       49799
     49800       49899
     50200       50299
     50400       50463
     50100       50199     *

* - Administered port exclusions.
)";

}  // namespace

TEST_CASE("the statistics of a hand-made table count blocks, adjacency, runs, gaps and coverage exactly") {
    const TableStats stats = table_stats(imported(one_host));
    CHECK(stats.tables == 1);
    CHECK(stats.blocks == 5);
    CHECK(stats.block_sizes == Histogram{{64, 1}, {100, 4}});
    CHECK(stats.adjacent == 1);  // 49800 follows 49700-49799
    CHECK(stats.with_previous == 4);
    CHECK(stats.adjacency_fraction() == doctest::Approx(0.25));
    CHECK(stats.run_lengths == Histogram{{1, 3}, {2, 1}});
    CHECK(stats.mean_run_length() == doctest::Approx(5.0 / 4));
    CHECK(stats.gaps == Histogram{{100, 3}});  // 49900-49999, 50100-50199, 50300-50399
    CHECK(stats.covered_ports == 464);
    CHECK(stats.range_ports == 16384);
    CHECK(stats.blocks_outside_range == 0);
}

TEST_CASE("statistics pool tables: adjacency counts only blocks with a previous block in their own table") {
    const std::string two_transports = std::string(one_host) +
        "Protocol udp Port Exclusion Ranges\n  1100 1199\n  1200 1299\n  1300 1399\n"
        "Protocol udp Dynamic Port Range\nStart Port : 1024\nNumber of Ports : 64511\n";
    const TableStats stats = table_stats(imported(two_transports));
    CHECK(stats.tables == 2);
    CHECK(stats.blocks == 8);
    CHECK(stats.adjacent == 3);
    CHECK(stats.with_previous == 6);
    CHECK(stats.run_lengths == Histogram{{1, 3}, {2, 1}, {3, 1}});
    CHECK(stats.range_ports == 16384 + 64511);
}

TEST_CASE("blocks reaching outside the dynamic range are counted, and only their ports inside cover it") {
    const TableStats stats = table_stats({PortTable{{PortBlock{49100, 100}}, DynamicRange{}}});
    CHECK(stats.blocks_outside_range == 1);
    CHECK(stats.covered_ports == 48);
}

TEST_CASE("the published real figures give adjacency 0.68 and mean run length 2.6") {
    const TableStats real = real_host_stats();
    CHECK(real.runs() == 143);
    CHECK(real.adjacency_fraction() == doctest::Approx(0.676).epsilon(0.001));
    CHECK(real.mean_run_length() == doctest::Approx(2.608).epsilon(0.001));
    const StatsDistance none = distance(real, real);
    CHECK(none.adjacency == 0);
    CHECK(none.run_lengths == 0);
}

TEST_CASE("the total-variation distance between run lengths is half the summed difference of shares") {
    TableStats lone;
    lone.run_lengths = {{1, 4}};
    TableStats pairs;
    pairs.run_lengths = {{1, 1}, {2, 1}};
    CHECK(distance(lone, pairs).run_lengths == doctest::Approx(0.5));
}

TEST_CASE("the default placement stays within 0.1 of the real adjacency and 0.5 of the real mean run over 200 seeded hosts") {
    REQUIRE(Policies{}.wildcard == WildcardPlacement::clustered);
    const TableStats simulated = table_stats(simulated_hyperv_tables(Policies{}.wildcard, 200));
    CHECK(simulated.tables == 200);
    const StatsDistance away = distance(simulated, real_host_stats());
    CHECK(away.adjacency < 0.1);
    CHECK(away.mean_run_length < 0.5);
}

TEST_CASE("gen hyperv boots hosts holding 1 to 40 TCP blocks of 100 ports, about 11 on average") {
    const std::vector<PortTable> tables = simulated_hyperv_tables(WildcardPlacement::first_fit, 200);
    REQUIRE(tables.size() == 200);
    std::size_t blocks = 0;
    for (const PortTable& table : tables) {
        CHECK(table.blocks.size() >= 1);
        CHECK(table.blocks.size() <= 40);
        blocks += table.blocks.size();
    }
    CHECK(blocks > 9 * 200);
    CHECK(blocks < 13 * 200);
    CHECK(table_stats(tables).block_sizes == Histogram{{100, blocks}});
}

TEST_CASE("first-fit, next-fit and random are all further from the real hosts than clustered") {
    const auto away = [](WildcardPlacement placement) {
        return distance(table_stats(simulated_hyperv_tables(placement, 200)), real_host_stats());
    };
    const StatsDistance clustered = away(WildcardPlacement::clustered);
    for (WildcardPlacement other : {WildcardPlacement::first_fit, WildcardPlacement::next_fit, WildcardPlacement::random}) {
        CAPTURE(placement_name(other));
        CHECK(away(other).run_lengths > clustered.run_lengths);
        CHECK(away(other).adjacency > clustered.adjacency);
    }
}

// ---- the clustered policy on a model host ----

namespace {

std::vector<Outcome> clustered_blocks(std::uint64_t seed, DynamicRange range, int blocks) {
    Host host{{.seed = seed, .policies = {.wildcard = WildcardPlacement::clustered}}};
    host.set_dynamic_range(Transport::tcp, range.start, range.count);
    host.create_process(1, true, "service");
    const SocketHandle socket = host.open_socket(1, SocketKind::tcp).socket;
    std::vector<Outcome> outcomes;
    for (int i = 0; i < blocks; ++i) outcomes.push_back(host.acquire(socket, PortBlock{0, 100}));
    return outcomes;
}

}  // namespace

TEST_CASE("clustered placement keeps blocks inside the range and apart, and answers WSAENOBUFS when full") {
    const DynamicRange range{20000, 1050};  // room for 10 blocks at best
    const std::vector<Outcome> outcomes = clustered_blocks(5, range, 12);
    std::vector<bool> taken(range.count, false);
    std::size_t placed = 0;
    for (const Outcome& outcome : outcomes) {
        if (!outcome.ok()) {
            CHECK(outcome.error == decision::wildcard_exhausted);
            continue;
        }
        ++placed;
        REQUIRE(range.contains(outcome.block.start));
        REQUIRE(range.contains(outcome.block.last()));
        for (std::uint32_t port = outcome.block.start; port <= outcome.block.last(); ++port) {
            REQUIRE_FALSE(taken[port - range.start]);
            taken[port - range.start] = true;
        }
    }
    CHECK(placed <= 10);
    CHECK_FALSE(outcomes.back().ok());
}

TEST_CASE("clustered placement gives the same blocks for the same seed and different ones for another") {
    const auto starts = [](std::uint64_t seed) {
        std::vector<Port> result;
        for (const Outcome& outcome : clustered_blocks(seed, DynamicRange{}, 12)) result.push_back(outcome.block.start);
        return result;
    };
    CHECK(starts(3) == starts(3));
    CHECK(starts(3) != starts(4));
}

TEST_CASE("clustered placement mostly starts a block right after the previous one") {
    const std::vector<Outcome> outcomes = clustered_blocks(8, DynamicRange{}, 200);
    int after_previous = 0;
    for (std::size_t i = 1; i < outcomes.size(); ++i)
        after_previous += outcomes[i].block.start == outcomes[i - 1].block.last() + 1u;
    CHECK(after_previous > 110);  // about 68% of 199
    CHECK(after_previous < 160);
}
