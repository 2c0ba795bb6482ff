// The environment variables that configure the process-wide host.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <variant>

#include "run_program.hpp"
#include "setup.hpp"

using namespace wsrsim;
using namespace wsrsim::win32;

namespace {

using Variables = std::map<std::string, std::string>;

std::variant<Setup, std::string> read(const Variables& variables) {
    return read_setup([&](const char* name) -> const char* {
        const auto found = variables.find(name);
        return found == variables.end() ? nullptr : found->second.c_str();
    });
}

std::string problem(const Variables& variables) {
    const auto result = read(variables);
    REQUIRE(std::holds_alternative<std::string>(result));
    return std::get<std::string>(result);
}

}  // namespace

TEST_CASE("an empty environment gives the model's defaults, not elevated, no recording") {
    const Setup setup = std::get<Setup>(read({}));
    CHECK(setup.host.seed == HostConfig{}.seed);
    CHECK(setup.host.policies == Policies{});
    CHECK(!setup.elevated);
    CHECK(setup.record_path.empty());
    CHECK(setup.host_table.empty());
}

TEST_CASE("every variable is read") {
    const Setup setup = std::get<Setup>(read({
        {"WSRSIM_SEED", "42"},
        {"WSRSIM_ELEVATED", "1"},
        {"WSRSIM_POLICY", "  wildcard=first-fit\tephemeral=random latency=1000 "},
        {"WSRSIM_RECORD", "run.trace"},
        {"WSRSIM_HOST", "table.txt"},
    }));
    CHECK(setup.host.seed == 42);
    CHECK(setup.elevated);
    CHECK(setup.host.policies == Policies{.wildcard = WildcardPlacement::first_fit,
                                          .ephemeral = EphemeralPolicy::random,
                                          .latency = 1000});
    CHECK(setup.record_path == "run.trace");
    CHECK(setup.host_table == "table.txt");
}

TEST_CASE("WSRSIM_LIMITS caps what the host holds, blanks or commas between the caps") {
    const Setup setup = std::get<Setup>(read({{"WSRSIM_LIMITS", "sockets=8, reservations=2 processes=4"}}));
    CHECK(setup.host.limits == HostLimits{.processes = 4, .sockets = 8, .reservations = 2});
    CHECK(std::get<Setup>(read({})).host.limits == HostLimits{});
    CHECK(problem({{"WSRSIM_LIMITS", "sockets=0"}}) ==
          "WSRSIM_LIMITS: sockets must be a number above 0, not '0'");
}

TEST_CASE("a partial policy keeps the other defaults") {
    const Setup setup = std::get<Setup>(read({{"WSRSIM_POLICY", "latency=5"}}));
    CHECK(setup.host.policies == Policies{.latency = 5});
}

TEST_CASE("a bad value is named in the message") {
    CHECK(problem({{"WSRSIM_SEED", "12a"}}) == "WSRSIM_SEED must be a decimal number, not '12a'");
    CHECK(problem({{"WSRSIM_SEED", "-1"}}) == "WSRSIM_SEED must be a decimal number, not '-1'");
    CHECK(problem({{"WSRSIM_ELEVATED", "yes"}}) == "WSRSIM_ELEVATED must be 1 or 0, not 'yes'");
    // The rest of the message is the trace reader's, as for a `policy` line.
    const std::string policy = problem({{"WSRSIM_POLICY", "latency=soon"}});
    CHECK(policy.starts_with("WSRSIM_POLICY: "));
    CHECK(policy.find("soon") != std::string::npos);
}

TEST_CASE("WSRSIM_HOST names a pasted netsh table for the importer") {
    const auto missing = read_host_table("/nonexistent/table.txt");
    REQUIRE(std::holds_alternative<std::string>(missing));
    CHECK(std::get<std::string>(missing) ==
          "WSRSIM_HOST=/nonexistent/table.txt: cannot read it: No such file or directory");

    const std::string path = wsrsim::tests::temporary_path("table");
    std::ofstream(path) << "Protocol udp Port Exclusion Ranges\n"
                           "      5000        5009\n"
                           "     50000       50059     *\n";
    const auto tables = read_host_table(path);
    std::remove(path.c_str());
    REQUIRE(std::holds_alternative<trace::ImportedTables>(tables));
    const auto& rows = std::get<trace::ImportedTables>(tables).rows;
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].transport == Transport::udp);
    CHECK(rows[0].block == PortBlock{5000, 10});
    CHECK(!rows[0].administered);
    CHECK(rows[1].administered);
}
