// The subcommands of `wsrsim`. Each takes main's arguments (argv[1] is its name)
// and gives the exit status: 0 fine, 1 unmet expectations, 2 bad input.
#pragma once

#include <string_view>

namespace wsrsim::cli {

int replay_command(int argc, char** argv);
int explain_command(int argc, char** argv);
int gen_command(int argc, char** argv);
int demo_command(int argc, char** argv);
int stats_command(int argc, char** argv);
int compare_command(int argc, char** argv);

// Prints "wsrsim COMMAND: PROBLEM" and a pointer to --help; gives 2.
int usage_error(std::string_view command, std::string_view problem);

}  // namespace wsrsim::cli
