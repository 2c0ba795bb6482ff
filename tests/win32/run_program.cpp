#include "run_program.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace wsrsim::tests {
namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

Run run_program(const std::string& environment, const std::string& program,
                const std::string& arguments, bool with_stderr) {
    const std::string command =
        environment + " '" + program + "' " + arguments + (with_stderr ? " 2>&1" : "");
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string output;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
        output.append(buffer, n);
    const int status = pclose(pipe);
    return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, split_lines(output)};
}

std::string program_path(const char* variable) {
    const char* path = std::getenv(variable);
    if (!path)
        throw std::runtime_error(std::string(variable) + " is not set (run through meson test)");
    return path;
}

std::string temporary_path(const std::string& stem) {
    static int made = 0;
    return (std::filesystem::temp_directory_path() /
            (stem + '-' + std::to_string(getpid()) + '-' + std::to_string(++made)))
        .string();
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return split_lines(text.str());
}

Run replay_recording(const std::string& environment, const std::string& program,
                     const std::string& arguments) {
    const std::string trace = temporary_path("round-trip");
    run_program(environment + " WSRSIM_RECORD=" + trace, program, arguments);
    Run replay =
        run_program("", program_path("WSRSIM_CLI"), "replay --no-progress '" + trace + "'", true);
    std::remove(trace.c_str());
    return replay;
}

}  // namespace wsrsim::tests
