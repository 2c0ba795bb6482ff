// wsrsim: the command line. Each subcommand lives in its own file.
#include <iostream>
#include <string_view>

#include "commands.hpp"

namespace {

constexpr std::string_view usage = R"(wsrsim: a simulator of the Windows Winsock port-reservation subsystem

usage: wsrsim COMMAND [OPTIONS]        (wsrsim COMMAND --help for one command)

commands:
  replay TRACE...   replay traces, check their expectations, summarize them
  explain REQUEST   what a bind, acquire or persist-create would give on a host
                    (e.g. one pasted from netsh), and which reservation decides it
  gen KIND          write a synthetic trace: hyperv, churn or exhaust
  demo              the Microsoft sample's scenario, step by step
  stats TABLE...    where the blocks of netsh tables lie (adjacency, runs, gaps);
                    --policies compares each placement policy with real hosts
  compare A.csv B.csv  where two event logs of one trace differ (e.g. the
                    model's and a Windows run's, from wsrsim-probe.exe)

exit status: 0 fine, 1 unmet expectations, 2 bad input
)";

}  // namespace

namespace wsrsim::cli {

int usage_error(std::string_view command, std::string_view problem) {
    std::cerr << "wsrsim " << command << ": " << problem << "\n(see wsrsim " << command << " --help)\n";
    return 2;
}

}  // namespace wsrsim::cli

int main(int argc, char** argv) {
    using namespace wsrsim::cli;
    const std::string_view command = argc > 1 ? argv[1] : "";
    if (command == "replay") return replay_command(argc, argv);
    if (command == "explain") return explain_command(argc, argv);
    if (command == "gen") return gen_command(argc, argv);
    if (command == "demo") return demo_command(argc, argv);
    if (command == "stats") return stats_command(argc, argv);
    if (command == "compare") return compare_command(argc, argv);
    if (command == "help" || command == "--help" || command == "-h") {
        std::cout << usage;
        return 0;
    }
    std::cerr << (command.empty() ? "wsrsim: no command given\n" : "wsrsim: unknown command '" + std::string(command) + "'\n")
              << '\n' << usage;
    return 2;
}
