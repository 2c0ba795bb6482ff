#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "input_file.hpp"
#include "json.hpp"
#include "wsrsim/table_stats.hpp"

namespace wsrsim::cli {
namespace {

constexpr std::string_view usage = R"(usage: wsrsim stats [--json] TABLE...
       wsrsim stats --policies [--hosts N] [--seed N] [--json]

The first form reads pasted `netsh int ipv4 show excludedportrange` (and
`show dynamicport`) output, one host per file, and prints where the blocks lie:
block sizes, the share of blocks that start right after the previous block
(adjacency), runs of adjacent blocks, the gaps between runs and the share of
the dynamic range covered. Only runtime rows of 50 ports or more count (`*` rows
are administered exclusions).

The second form compares every wildcard placement policy with the figures
published for 33 real Hyper-V / WSL / Docker hosts: it boots N hosts with
`wsrsim gen hyperv` seeds S, S+1, ... under each policy and prints a Markdown
table of the statistics of their TCP tables and their distances from the real
ones (the README's "Placement against real hosts" is its output).

options:
  --json        print JSON instead of text
  --policies    compare the placement policies with the real hosts
  --hosts N     hosts per policy (default 200)
  --seed S      the first host's seed (default 1)
)";

constexpr std::array placements{WildcardPlacement::first_fit, WildcardPlacement::next_fit,
                                WildcardPlacement::random, WildcardPlacement::clustered};

std::string fixed(double number, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, number);
    return text;
}

// "1:62 2:30 ..." or "none".
std::string histogram_text(const trace::Histogram& histogram) {
    std::string text;
    for (const auto& [value, count] : histogram)
        text += (text.empty() ? "" : " ") + std::to_string(value) + ':' + std::to_string(count);
    return text.empty() ? "none" : text;
}

// The value below which half of the entries lie.
std::uint64_t median(const trace::Histogram& histogram, std::uint64_t entries) {
    std::uint64_t seen = 0;
    for (const auto& [value, count] : histogram)
        if ((seen += count) * 2 >= entries) return value;
    return 0;
}

double mean(const trace::Histogram& histogram, std::uint64_t entries) {
    double sum = 0;
    for (const auto& [value, count] : histogram) sum += static_cast<double>(value) * static_cast<double>(count);
    return entries == 0 ? 0.0 : sum / static_cast<double>(entries);
}

void print_text(std::ostream& out, const trace::TableStats& stats) {
    const std::uint64_t gaps = stats.runs() - stats.tables;
    out << "tables: " << stats.tables << ", blocks: " << stats.blocks << '\n'
        << "block sizes (ports:blocks): " << histogram_text(stats.block_sizes) << '\n'
        << "adjacency: " << fixed(stats.adjacency_fraction(), 3) << " (" << stats.adjacent << " of "
        << stats.with_previous << " blocks that follow another start right after it)\n"
        << "runs: " << stats.runs() << ", mean length " << fixed(stats.mean_run_length(), 2)
        << "; by length (blocks:runs): " << histogram_text(stats.run_lengths) << '\n'
        << "gaps between runs: " << gaps;
    if (gaps > 0) out << ", mean " << fixed(mean(stats.gaps, gaps), 1) << " ports, median " << median(stats.gaps, gaps);
    out << '\n'
        << "dynamic range covered: " << fixed(100 * stats.covered_share(), 1) << "% (" << stats.covered_ports
        << " of " << stats.range_ports << " ports); blocks not wholly inside it: " << stats.blocks_outside_range
        << '\n';
}

void write_histogram(JsonWriter& json, std::string_view key, const trace::Histogram& histogram) {
    json.key(key).begin_object();
    for (const auto& [value, count] : histogram) json.key(std::to_string(value)).value(count);
    json.end_object();
}

void write_stats(JsonWriter& json, const trace::TableStats& stats) {
    json.begin_object()
        .key("tables").value(stats.tables)
        .key("blocks").value(stats.blocks);
    write_histogram(json, "block_sizes", stats.block_sizes);
    json.key("adjacent").value(stats.adjacent)
        .key("with_previous").value(stats.with_previous)
        .key("adjacency_fraction").decimal(stats.adjacency_fraction())
        .key("runs").value(stats.runs())
        .key("mean_run_length").decimal(stats.mean_run_length());
    write_histogram(json, "run_lengths", stats.run_lengths);
    write_histogram(json, "gaps", stats.gaps);
    json.key("covered_ports").value(stats.covered_ports)
        .key("range_ports").value(stats.range_ports)
        .key("covered_share").decimal(stats.covered_share())
        .key("blocks_outside_range").value(stats.blocks_outside_range)
        .end_object();
}

int tables_stats(const std::vector<std::string_view>& paths, bool json_output) {
    std::vector<trace::PortTable> tables;
    for (std::string_view path : paths) {
        std::ifstream file;
        if (!open_input(file, path, "stats")) return 2;
        const trace::ImportedTables imported = trace::read_netsh_tables(file);
        if (imported.read_failed) {
            std::cerr << "wsrsim stats: reading " << path << " failed\n";
            return 2;
        }
        for (trace::PortTable& table : trace::service_tables(imported)) tables.push_back(std::move(table));
    }
    const trace::TableStats stats = trace::table_stats(tables);
    if (json_output) {
        std::string text;
        JsonWriter json(text);
        write_stats(json, stats);
        std::cout << text;
    } else {
        print_text(std::cout, stats);
    }
    return 0;
}

struct PolicyRow {
    std::string_view name;
    trace::TableStats stats;
};

void print_markdown(std::ostream& out, const std::vector<PolicyRow>& rows, const trace::TableStats& real) {
    out << "| placement | tables | blocks | adjacency | Δ adjacency | mean run | Δ mean run | TV run lengths "
           "| runs by length |\n"
           "|---|---|---|---|---|---|---|---|---|\n";
    const auto row = [&](std::string_view name, const trace::TableStats& stats) {
        const trace::StatsDistance away = trace::distance(stats, real);
        out << "| " << name << " | " << stats.tables << " | " << stats.blocks << " | "
            << fixed(stats.adjacency_fraction(), 3) << " | " << fixed(away.adjacency, 3) << " | "
            << fixed(stats.mean_run_length(), 2) << " | " << fixed(away.mean_run_length, 2) << " | "
            << fixed(away.run_lengths, 3) << " | " << histogram_text(stats.run_lengths) << " |\n";
    };
    row("real hosts", real);
    for (const PolicyRow& policy : rows) row(policy.name, policy.stats);
}

int policies_stats(const Arguments& args, bool json_output) {
    std::uint64_t hosts = 200;
    std::uint64_t seed = 1;
    for (const auto& [name, field] : {std::pair{"hosts", &hosts}, std::pair{"seed", &seed}}) {
        if (const auto text = args.value(name)) {
            const auto number = parse_count(*text);
            if (!number || *number == 0)
                return usage_error("stats", "--" + std::string(name) + " needs a positive number, not '" + std::string(*text) + "'");
            *field = *number;
        }
    }
    std::vector<PolicyRow> rows;
    for (WildcardPlacement placement : placements)
        rows.push_back({placement_name(placement), trace::table_stats(trace::simulated_hyperv_tables(placement, hosts, seed))});
    const trace::TableStats real = trace::real_host_stats();
    if (!json_output) {
        print_markdown(std::cout, rows, real);
        return 0;
    }
    std::string text;
    JsonWriter json(text);
    json.begin_object().key("real_hosts");
    write_stats(json, real);
    json.key("policies").begin_array();
    for (const PolicyRow& row : rows) {
        const trace::StatsDistance away = trace::distance(row.stats, real);
        json.begin_object().key("placement").value(row.name).key("stats");
        write_stats(json, row.stats);
        json.key("distance").begin_object()
            .key("adjacency").decimal(away.adjacency)
            .key("mean_run_length").decimal(away.mean_run_length)
            .key("run_lengths_tv").decimal(away.run_lengths)
            .end_object().end_object();
    }
    json.end_array().end_object();
    std::cout << text;
    return 0;
}

}  // namespace

int stats_command(int argc, char** argv) {
    const Arguments args =
        Arguments::parse(argc, argv, 2, {{"json"}, {"policies"}, {"hosts", true}, {"seed", true}});
    if (!args.error().empty()) return usage_error("stats", args.error());
    if (args.has("help")) {
        std::cout << usage;
        return 0;
    }
    if (args.has("policies")) {
        if (!args.positional().empty()) return usage_error("stats", "--policies reads no tables");
        return policies_stats(args, args.has("json"));
    }
    if (args.has("hosts") || args.has("seed")) return usage_error("stats", "--hosts and --seed go with --policies");
    if (args.positional().empty()) return usage_error("stats", "give at least one TABLE (or --policies)");
    return tables_stats(args.positional(), args.has("json"));
}

}  // namespace wsrsim::cli
