#include <fstream>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "input_file.hpp"
#include "wsrsim/event_compare.hpp"

namespace wsrsim::cli {
namespace {

constexpr std::string_view usage = R"(usage: wsrsim compare A.csv B.csv [--positions]

Lines up two event logs of the same trace (`wsrsim replay --events`, or
wsrsim-probe.exe on Windows) by trace line, and prints each request whose
outcomes differ, or that only one log has, then a summary. Tokens are never
compared (they are opaque).

options:
  --positions   also compare ports and block starts (off by default: where a
                wildcard block or an ephemeral port lands differs between hosts)

exit status: 0 the logs agree, 1 they differ, 2 bad input
)";

std::optional<trace::EventLog> load(std::string_view path) {
    std::ifstream file;
    if (!open_input(file, path, "compare")) return std::nullopt;
    trace::EventLog log = trace::read_event_log(file, std::string(path));
    if (log.error) {
        std::cerr << "wsrsim compare: " << trace::describe(*log.error) << '\n';
        return std::nullopt;
    }
    return log;
}

}  // namespace

int compare_command(int argc, char** argv) {
    const Arguments args = Arguments::parse(argc, argv, 2, {{"positions"}});
    if (!args.error().empty()) return usage_error("compare", args.error());
    if (args.has("help")) {
        std::cout << usage;
        return 0;
    }
    if (args.positional().size() != 2) return usage_error("compare", "give two event logs");
    const std::string_view first_path = args.positional()[0];
    const std::string_view second_path = args.positional()[1];
    const auto first = load(first_path);
    const auto second = load(second_path);
    if (!first || !second) return 2;

    const trace::CompareOptions options{.positions = args.has("positions")};
    const trace::EventComparison comparison = trace::compare_events(*first, *second, options);
    if (comparison.mismatch) {
        std::cerr << "wsrsim compare: " << *comparison.mismatch << '\n';
        return 2;
    }
    std::size_t only_first = 0;
    std::size_t only_second = 0;
    for (const auto& [a, b] : comparison.differences) {
        const trace::LoggedEvent& either = a ? *a : *b;
        only_first += !b;
        only_second += !a;
        std::cout << "line " << either.line << ": " << either.request << '\n'
                  << "  " << first_path << ": " << trace::describe_compared(a, options) << '\n'
                  << "  " << second_path << ": " << trace::describe_compared(b, options) << '\n';
    }
    std::cout << comparison.compared << " requests compared, " << comparison.differences.size() - only_first - only_second
              << " differ; " << only_first << " only in " << first_path << ", " << only_second << " only in "
              << second_path << '\n';
    return comparison.differences.empty() ? 0 : 1;
}

}  // namespace wsrsim::cli
