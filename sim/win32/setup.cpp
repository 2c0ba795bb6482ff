#include "setup.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>

#include "wsrsim/trace_reader.hpp"

namespace wsrsim::win32 {
namespace {

// Quoted as the trace reader quotes, whose messages WSRSIM_POLICY passes on.
std::string quoted(std::string_view text) { return '\'' + std::string(text) + '\''; }

std::optional<std::uint64_t> to_number(std::string_view text) {
    std::uint64_t number = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (status != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return number;
}

}  // namespace

std::variant<Setup, std::string> read_setup(const Environment& variable) {
    Setup setup;
    if (const char* seed = variable("WSRSIM_SEED")) {
        const auto number = to_number(seed);
        if (!number) return "WSRSIM_SEED must be a decimal number, not " + quoted(seed);
        setup.host.seed = *number;
    }
    if (const char* elevated = variable("WSRSIM_ELEVATED")) {
        const std::string_view value = elevated;
        if (value != "0" && value != "1" && !value.empty())
            return "WSRSIM_ELEVATED must be 1 or 0, not " + quoted(value);
        setup.elevated = value == "1";
    }
    if (const char* policy = variable("WSRSIM_POLICY")) {
        trace::PolicySettings settings;
        if (auto problem = trace::read_policy_settings(policy, settings)) return "WSRSIM_POLICY: " + *problem;
        setup.host.policies = settings.applied_to(setup.host.policies);
    }
    if (const char* limits = variable("WSRSIM_LIMITS")) {
        const auto problem = trace::read_settings(limits, [&](std::string_view word) {
            return trace::read_limit_setting(word, setup.host.limits);
        });
        if (problem) return "WSRSIM_LIMITS: " + *problem;
    }
    if (const char* path = variable("WSRSIM_RECORD")) setup.record_path = path;
    if (const char* path = variable("WSRSIM_HOST")) setup.host_table = path;
    return setup;
}

std::variant<trace::ImportedTables, std::string> read_host_table(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return "WSRSIM_HOST=" + path + ": cannot read it: " + std::strerror(errno);
    return trace::read_netsh_tables(file);
}

}  // namespace wsrsim::win32
