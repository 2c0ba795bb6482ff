// Microsoft's SIO_ACQUIRE_PORT_RESERVATION sample (../shared/samples), compiled
// unchanged against include/win32 and run on the model.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "run_program.hpp"

using wsrsim::tests::run_program;
using Lines = std::vector<std::string>;

namespace {

// The sample prints the token with %I64d: any value but 0 will do.
void check_token_line(const std::string& line) {
    const std::string prefix = "  Starting port=5000,  Number of Ports=20, Token=";
    REQUIRE(line.starts_with(prefix));
    const std::string token = line.substr(prefix.size());
    CHECK(token.find_first_not_of("-0123456789") == std::string::npos);
    CHECK(std::stoll(token) != 0);
}

void check_reserves_5000(const std::string& sample) {
    const auto run = run_program("", sample, "2 2 17 5000 20");
    CHECK(run.exit_code == 0);
    REQUIRE(run.lines.size() == 9);
    CHECK(run.lines[0] == "socket function succeeded");
    CHECK(run.lines[1] == "WSAIoctl(SIO_ACQUIRE_PORT_RESERVATION) succeeded, bytesReturned = 16");
    check_token_line(run.lines[2]);
    CHECK(Lines(run.lines.begin() + 3, run.lines.end()) ==
          Lines{
              "socket function for second socket succeeded",
              "WSAIoctl(SIO_ASSOCIATE_PORT_RESERVATION) succeeded, bytesReturned = 0",
              "bind succeeded",
              "getsockname succeeded",
              "Port number allocated = 5000",
              "WSAIoctl(SIO_RELEASE_PORT_RESERVATION) succeeded, bytesReturned = 0",
          });
}

}  // namespace

TEST_CASE("the sample reserves 5000-5019 for UDP, binds 5000 and releases the block") {
    check_reserves_5000(wsrsim::tests::program_path("WSRSIM_SAMPLE"));
}

TEST_CASE("the sample linked with the static library behaves the same") {
    check_reserves_5000(wsrsim::tests::program_path("WSRSIM_SAMPLE_STATIC"));
}

TEST_CASE("a raw socket cannot acquire a reservation: WSAEOPNOTSUPP") {
    const std::string sample = wsrsim::tests::program_path("WSRSIM_SAMPLE");
    // Opening a raw socket needs an administrator, as on Windows.
    const auto elevated = run_program("WSRSIM_ELEVATED=1", sample, "2 3 255 5000 20");
    CHECK(elevated.exit_code == 1);
    CHECK(elevated.lines ==
          Lines{"socket function succeeded",
                "WSAIoctl(SIO_ACQUIRE_PORT_RESERVATION) failed with error = 10045"});
    const auto plain = run_program("", sample, "2 3 255 5000 20");
    CHECK(plain.lines == Lines{"socket function failed with error = 10013"});
}

TEST_CASE("an empty block is refused: WSAEINVAL") {
    const auto run = run_program("", wsrsim::tests::program_path("WSRSIM_SAMPLE"), "2 2 17 5000 0");
    CHECK(run.exit_code == 1);
    CHECK(run.lines == Lines{"socket function succeeded",
                             "WSAIoctl(SIO_ACQUIRE_PORT_RESERVATION) failed with error = 10022"});
}

TEST_CASE("the usage text shows the program name through %s and %ws") {
    const std::string sample = wsrsim::tests::program_path("WSRSIM_SAMPLE");
    const auto run = run_program("", sample, "");
    CHECK(run.exit_code == 1);
    REQUIRE(run.lines.size() == 6);
    CHECK(run.lines[0] ==
          "usage: " + sample + " <addressfamily> <type> <protocol> <StartingPort> <NumberOfPorts>");
    CHECK(run.lines[3] == sample + " example usage");
    CHECK(run.lines[4] == "   " + sample + " 2 2 17 5000 20");
    CHECK(run.lines[5] ==
          "   where AF_INET=2 SOCK_DGRAM=2 IPPROTO_UDP=17 StartPort=5000 NumPorts=20");
}

TEST_CASE("WSRSIM_RECORD writes the run as a trace, outcomes as expectations") {
    const std::string trace = wsrsim::tests::temporary_path("sample-trace");
    const auto run = run_program("WSRSIM_SEED=7 WSRSIM_RECORD=" + trace,
                                 wsrsim::tests::program_path("WSRSIM_SAMPLE"), "2 2 17 5000 20");
    REQUIRE(run.exit_code == 0);
    // The sample prints the token signed (%I64d); traces write it unsigned.
    const std::string printed = run.lines.at(2).substr(run.lines.at(2).rfind('=') + 1);
    const auto token = static_cast<unsigned long long>(std::stoll(printed));
    const Lines lines = wsrsim::tests::read_lines(trace);
    std::remove(trace.c_str());
    CHECK(lines ==
          Lines{
              "# wsrsim trace 1",
              "# recorded by libwsrsim-win32",
              "seed 7",
              "policy wildcard=clustered ephemeral=sequential latency=0",
              "process 1000 name=acquire_port_reservation",
              "socket 1000 s1 udp",
              "acquire s1 5000 20 as t1 => ok start=5000 count=20 token=" + std::to_string(token),
              "socket 1000 s2 udp",
              "associate s1 $t1 => ok",
              "bind s1 0 => ok port=5000",
              "getsockname s1 => ok port=5000",
              "release s1 $t1 => ok",
              "close s2 => ok",
              "close s1 => ok",
          });
}

TEST_CASE("on a host imported from a netsh table, a block taken there is WSAEADDRINUSE") {
    const std::string table = wsrsim::tests::temporary_path("netsh-table");
    std::ofstream(table) << "C:\\> netsh int ipv4 show excludedportrange protocol=udp\n"
                            "\n"
                            "Protocol udp Port Exclusion Ranges\n"
                            "\n"
                            "Start Port    End Port\n"
                            "----------    --------\n"
                            "      5010        5010\n"
                            "     50000       50059     *\n";
    const std::string trace = wsrsim::tests::temporary_path("imported-trace");
    const auto run =
        run_program("WSRSIM_HOST=" + table + " WSRSIM_RECORD=" + trace,
                    wsrsim::tests::program_path("WSRSIM_SAMPLE"), "2 2 17 5000 20", true);
    const Lines lines = wsrsim::tests::read_lines(trace);
    std::remove(table.c_str());
    std::remove(trace.c_str());
    CHECK(run.exit_code == 1);
    CHECK(std::find(run.lines.begin(), run.lines.end(),
                    "WSAIoctl(SIO_ACQUIRE_PORT_RESERVATION) failed with error = 10048") !=
          run.lines.end());
    // The trace recreates the imported host itself: pid 4 "System" holds the rows.
    REQUIRE(lines.size() > 9);
    CHECK(lines[4] == "# the host of WSRSIM_HOST=" + table + ":");
    CHECK(lines[5] == "process 4 elevated name=System");
    CHECK(lines[6] == "socket 4 s1 udp");
    CHECK(lines[7].starts_with("acquire s1 5010 1 as t1 => ok start=5010 count=1 token="));
    CHECK(lines[8].starts_with(
        "persist-create 4 udp 50000 60 as p2 => ok start=50000 count=60 token="));
    CHECK(lines[9] == "process 1000 name=acquire_port_reservation");
}

TEST_CASE("the sample's recorded runs replay with every expectation met") {
    const std::string sample = wsrsim::tests::program_path("WSRSIM_SAMPLE");
    for (const char* arguments : {"2 2 17 5000 20", "2 1 6 0 100", "2 2 17 5000 0"}) {
        CAPTURE(arguments);
        const auto replay = wsrsim::tests::replay_recording("WSRSIM_SEED=5", sample, arguments);
        CHECK(replay.exit_code == 0);
        REQUIRE(replay.lines.size() > 1);
        CHECK(replay.lines[1].find(": every expectation met") != std::string::npos);
    }
}
