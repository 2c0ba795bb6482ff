// The C runtime pieces and the environment, seen from outside a program.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "run_program.hpp"

using wsrsim::tests::program_path;
using wsrsim::tests::run_program;
using Lines = std::vector<std::string>;

TEST_CASE("wprintf speaks Microsoft's conversions and main() hands wmain a wide command line") {
    const auto run =
        run_program("", program_path("WSRSIM_FORMATS"), "h\xc3\xa9llo-\xe2\x82\xac 123");
    CHECK(run.exit_code == 0);
    CHECK(run.lines == Lines{
                           "wide|ws|ls|narrow|S",
                           "wxyz",
                           "-5000000000 18446744073709551615 -7 -8 9 -10 200",
                           "-1 4294967295 ff",
                           "[   42] [42   ] [00042] [+42] [ff] [0XFF] [10]",
                           "[   7] [abc] [ab    ] [  3.14] [1.500000e+00]",
                           "[(null)] [(null)] % %n",
                           "h\xc3\xa9llo-\xe2\x82\xac 123",
                           "-12 2147483647 0",
                       });
}

TEST_CASE("an unusable environment makes WSAStartup fail with WSASYSNOTREADY and says why") {
    const std::string program = program_path("WSRSIM_NOT_ELEVATED");
    SUBCASE("a netsh table that is not there") {
        const auto run = run_program("WSRSIM_HOST=/nonexistent/table.txt", program, "", true);
        CHECK(run.exit_code != 0);
        REQUIRE(run.lines.size() > 2);
        // Said once, although every later call finds no host either.
        CHECK(run.lines[0] ==
              "wsrsim-win32: WSRSIM_HOST=/nonexistent/table.txt: cannot read it: No such file or "
              "directory");
        CHECK(run.lines[1].ends_with("WSAStartup(MAKEWORD(2, 2), &data) is 10091, expected 0"));
        CHECK(run.lines[2].ends_with(
            "CreatePersistentUdpPortReservation(htons(50100), 10, &token) is 21, expected 5"));
    }
    SUBCASE("a policy that does not exist") {
        const auto run = run_program("WSRSIM_POLICY='wildcard=best-fit'", program, "", true);
        REQUIRE(!run.lines.empty());
        CHECK(run.lines[0].starts_with("wsrsim-win32: WSRSIM_POLICY: "));
        CHECK(run.lines[0].find("best-fit") != std::string::npos);
    }
    SUBCASE("a processes cap the imported host fills, leaving no room for the program's own process") {
        const std::string table = wsrsim::tests::temporary_path("full-table");
        std::ofstream(table) << "Protocol udp Port Exclusion Ranges\n      5000        5009\n";
        const auto run =
            run_program("WSRSIM_HOST=" + table + " WSRSIM_LIMITS=processes=1", program, "", true);
        std::remove(table.c_str());
        REQUIRE(!run.lines.empty());
        CHECK(run.lines[0] ==
              "wsrsim-win32: WSRSIM_LIMITS: processes=1 leaves no room for the program's own process");
    }
    SUBCASE("a cap that does not exist") {
        const auto run = run_program("WSRSIM_LIMITS=files=3", program, "", true);
        REQUIRE(!run.lines.empty());
        CHECK(run.lines[0] ==
              "wsrsim-win32: WSRSIM_LIMITS: unknown cap 'files=3' (sockets=, reservations= or processes=)");
    }
    SUBCASE("a record file that cannot be written") {
        const auto run = run_program("WSRSIM_RECORD=/nonexistent/trace.txt", program, "", true);
        REQUIRE(!run.lines.empty());
        CHECK(run.lines[0] ==
              "wsrsim-win32: WSRSIM_RECORD=/nonexistent/trace.txt: cannot write there");
    }
}

TEST_CASE("overlapped requests, persistent reservations and errors leave a trace too") {
    const std::string trace = wsrsim::tests::temporary_path("programs-trace");
    const auto run =
        run_program("WSRSIM_ELEVATED=1 WSRSIM_POLICY='latency=1000' WSRSIM_RECORD=" + trace,
                    program_path("WSRSIM_RECORDED"), "");
    CHECK(run.exit_code == 0);
    Lines lines = wsrsim::tests::read_lines(trace);
    std::remove(trace.c_str());
    // Tokens differ with the seed; everything else is fixed.
    for (std::string& line : lines)
        if (const auto at = line.find(" token="); at != std::string::npos)
            line.replace(at, std::string::npos, " token=T");
    CHECK(lines ==
          Lines{
              "# wsrsim trace 1",
              "# recorded by libwsrsim-win32",
              "seed 1",
              "policy wildcard=clustered ephemeral=sequential latency=1000",
              "process 1000 elevated name=recorded",
              "socket 1000 s1 tcp",
              "acquire s1 6000 10 async as w1 => pending",
              "@1000 wait w1 => ok start=6000 count=10 token=T",
              "associate s1 $w1 async as w2 => pending",
              "close s1 => ok",
              "wait w2 => WSA_OPERATION_ABORTED",
              "# WSAIoctl 1234 => WSAENOTSOCK (refused by the Windows API layer, before the model)",
              "persist-create 1000 udp 50000 60 as p3 => ok start=50000 count=60 token=T",
              "persist-lookup 1000 udp 50000 60 as p4 => ok start=50000 count=60 token=T",
              "socket 1000 s2 udp v6 nonoverlapped",
              "# WSAIoctl s2 SIO_ACQUIRE_PORT_RESERVATION => WSAEFAULT (refused by the Windows API "
              "layer, before the model)",
              "associate s2 $p4 => ok",
              "bind s2 0 => ok port=50000",
              "persist-delete 1000 udp 50000 60 => ok",
              "close s2 => ok",
          });
}

TEST_CASE("a recorded run replays with every expectation met") {
    struct Program {
        const char* variable;
        const char* environment;
    };
    for (const Program& program : {
             Program{"WSRSIM_RECORDED", "WSRSIM_ELEVATED=1 WSRSIM_POLICY=latency=1000"},
             Program{"WSRSIM_OVERLAPPED", "WSRSIM_POLICY='wildcard=next-fit latency=1000000'"},
             Program{"WSRSIM_PERSISTENT", "WSRSIM_ELEVATED=1 WSRSIM_SEED=99"},
             Program{"WSRSIM_SHARED_PORT", "WSRSIM_POLICY=ephemeral=random"},
         }) {
        CAPTURE(program.variable);
        const auto replay = wsrsim::tests::replay_recording(program.environment,
                                                            program_path(program.variable), "");
        CHECK(replay.exit_code == 0);
        REQUIRE(replay.lines.size() > 1);
        CHECK(replay.lines[1].find(": every expectation met") != std::string::npos);
    }
}

TEST_CASE("past the processes cap, wsrsim_win32_use_process refuses a new process and keeps the old one") {
    const auto run = run_program("WSRSIM_LIMITS=processes=1", program_path("WSRSIM_NOT_ELEVATED"), "", true);
    CHECK(run.exit_code != 0);
    REQUIRE(!run.lines.empty());
    CHECK(run.lines[0].ends_with("wsrsim_win32_use_process(3000, TRUE) is 1450, expected 0"));
}

TEST_CASE("WSRSIM_LIMITS makes the host refuse past its caps, and the recording replays the refusals") {
    // shared_port opens seven sockets: under a cap of two, the third and every later one is refused.
    const auto run = run_program("WSRSIM_LIMITS=sockets=2", program_path("WSRSIM_SHARED_PORT"), "", true);
    CHECK(run.exit_code != 0);
    const auto replay = wsrsim::tests::replay_recording("WSRSIM_LIMITS=sockets=2",
                                                        program_path("WSRSIM_SHARED_PORT"), "");
    CHECK(replay.exit_code == 0);
    REQUIRE(replay.lines.size() > 1);
    CHECK(replay.lines[1].find(": every expectation met") != std::string::npos);
    CHECK(std::any_of(replay.lines.begin(), replay.lines.end(), [](const std::string& line) {
        return line.find("WSAEMFILE") != std::string::npos;
    }));
}
