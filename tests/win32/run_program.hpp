// Runs a test program through the shell and captures what it prints, for the
// tests that check Windows programs from the outside.
#pragma once

#include <string>
#include <vector>

namespace wsrsim::tests {

struct Run {
    int exit_code;
    std::vector<std::string> lines;  // stdout, split at '\n'
};

// `environment` is prepended to the command ("WSRSIM_SEED=7 "); stderr goes to
// stdout when `with_stderr`.
Run run_program(const std::string& environment, const std::string& program,
                const std::string& arguments, bool with_stderr = false);

// A program's path, from the environment meson test gives the test binary.
std::string program_path(const char* variable);

// A fresh file name in the temporary directory.
std::string temporary_path(const std::string& stem);

std::vector<std::string> read_lines(const std::string& path);

// Runs `program` with WSRSIM_RECORD, then replays the trace it wrote with
// `wsrsim replay` (WSRSIM_CLI); gives the replay's run: exit code 0 when every
// expectation of the trace held.
Run replay_recording(const std::string& environment, const std::string& program,
                     const std::string& arguments);

}  // namespace wsrsim::tests
