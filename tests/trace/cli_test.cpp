// The `wsrsim` command, run as users run it: exit codes, --help, --json,
// --events, --host, explain, gen. Paths come from meson: WSRSIM (the binary)
// and WSRSIM_TRACES (the corpus).
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "replay_support.hpp"

namespace fs = std::filesystem;

namespace {

struct Run {
    int exit_code;
    std::string out;
};

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    REQUIRE_MESSAGE(value, name << " is not set: run the tests through meson");
    return value;
}

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Runs `wsrsim ARGS` through the shell; standard error is dropped unless asked for.
Run run_wsrsim(const std::string& args, bool with_stderr = false) {
    const std::string command = quoted(environment("WSRSIM")) + ' ' + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string out;
    char buffer[4096];
    while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, got);
    const int status = pclose(pipe);
    return Run{WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A directory of scratch files, removed afterwards.
class Scratch {
public:
    Scratch() : dir_(fs::temp_directory_path() / ("wsrsim-cli-test-" + std::to_string(getpid()))) {
        fs::create_directories(dir_);
    }
    ~Scratch() { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_ / name, std::ios::binary) << text;
        return path(name);
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

private:
    fs::path dir_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A strict JSON syntax check: enough to know the document parses.
class JsonChecker {
public:
    explicit JsonChecker(std::string_view text) : text_(text) {}
    bool valid() {
        return value() && (skip_blanks(), at_ == text_.size());
    }

private:
    void skip_blanks() {
        while (at_ < text_.size() && std::string_view(" \t\r\n").find(text_[at_]) != std::string_view::npos) ++at_;
    }
    bool eat(char c) {
        skip_blanks();
        if (at_ < text_.size() && text_[at_] == c) return ++at_, true;
        return false;
    }
    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) return false;
        at_ += word.size();
        return true;
    }
    bool string() {
        if (!eat('"')) return false;
        while (at_ < text_.size() && text_[at_] != '"') {
            if (static_cast<unsigned char>(text_[at_]) < 0x20) return false;
            at_ += text_[at_] == '\\' ? 2 : 1;
        }
        return at_++ < text_.size();
    }
    bool number() {
        const std::size_t start = at_;
        while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
        return at_ > start;
    }
    bool value() {
        skip_blanks();
        if (at_ >= text_.size()) return false;
        switch (text_[at_]) {
        case '{':
            ++at_;
            if (eat('}')) return true;
            do {
                if (!string() || !eat(':') || !value()) return false;
            } while (eat(','));
            return eat('}');
        case '[':
            ++at_;
            if (eat(']')) return true;
            do {
                if (!value()) return false;
            } while (eat(','));
            return eat(']');
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default: return number();
        }
    }

    std::string_view text_;
    std::size_t at_ = 0;
};

const std::string good_trace =
    "# wsrsim trace 1\nprocess 1000 name=app\nsocket 1000 s udp\n"
    "acquire s 5000 20 as t => ok start=5000 count=20\nassociate s $t => ok\nbind s 0 => ok port=5000\n";

}  // namespace

TEST_CASE("every command answers --help with exit code 0") {
    for (const char* command : {"--help", "replay --help", "explain --help", "gen --help", "demo --help", "help"}) {
        CAPTURE(command);
        const Run run = run_wsrsim(command);
        CHECK(run.exit_code == 0);
        CHECK(run.out.find("usage") != std::string::npos);
    }
}

TEST_CASE("bad command lines exit with 2") {
    CHECK(run_wsrsim("").exit_code == 2);
    CHECK(run_wsrsim("frobnicate").exit_code == 2);
    CHECK(run_wsrsim("replay").exit_code == 2);
    CHECK(run_wsrsim("replay --no-such-option x.trace").exit_code == 2);
    CHECK(run_wsrsim("replay --seed twelve x.trace").exit_code == 2);
    CHECK(run_wsrsim("replay --policy wildcard=sideways x.trace").exit_code == 2);
    CHECK(run_wsrsim("gen nonsense").exit_code == 2);
    CHECK(run_wsrsim("explain bind tcp 70000").exit_code == 2);
}

TEST_CASE("replay exit codes: 0 all met, 1 unmet, 2 a trace error or an unreadable file") {
    const Scratch scratch;
    CHECK(run_wsrsim("replay " + scratch.write("good.trace", good_trace)).exit_code == 0);

    const Run unmet = run_wsrsim("replay " + scratch.write("unmet.trace", good_trace + "getsockname s => ok port=5001\n"));
    CHECK(unmet.exit_code == 1);
    CHECK(unmet.out.find("unmet.trace:7: expected ok port=5001, got ok port=5000") != std::string::npos);

    const Run broken = run_wsrsim("replay " + scratch.write("broken.trace", good_trace + "bind s\n"), true);
    CHECK(broken.exit_code == 2);
    CHECK(broken.out.find("broken.trace:7:7: missing PORT") != std::string::npos);

    CHECK(run_wsrsim("replay " + scratch.path("missing.trace")).exit_code == 2);
    const Run directory = run_wsrsim("replay " + scratch.path(""), true);
    CHECK(directory.exit_code == 2);
    CHECK(directory.out.find("it is a directory") != std::string::npos);
    CHECK(run_wsrsim("replay --host " + scratch.path("") + ' ' + scratch.path("good.trace")).exit_code == 2);
    // The worst trace decides when there are several.
    CHECK(run_wsrsim("replay " + scratch.path("good.trace") + ' ' + scratch.path("unmet.trace")).exit_code == 1);
}

TEST_CASE("replay reads standard input for -") {
    const Scratch scratch;
    const Run run = run_wsrsim("replay - < " + scratch.write("good.trace", good_trace));
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("== <stdin> ==") != std::string::npos);
}

TEST_CASE("the text summary has every part") {
    const Scratch scratch;
    const Run run = run_wsrsim("replay " + scratch.write("good.trace", good_trace));
    for (const char* part : {"requests by kind", "outcomes by code", "peak", "failed wildcard requests",
                             "Protocol udp Port Exclusion Ranges", "      5000        5019"}) {
        CAPTURE(part);
        CHECK(run.out.find(part) != std::string::npos);
    }
}

TEST_CASE("replay --json gives one JSON document") {
    const Scratch scratch;
    const Run run = run_wsrsim("replay --json " + scratch.write("good.trace", good_trace) + ' ' +
                           scratch.write("bad.trace", "process \xff\xfe\n"));
    CHECK(run.exit_code == 2);
    CHECK(JsonChecker(run.out).valid());
    for (const char* key : {"\"traces\"", "\"requests_by_kind\"", "\"outcomes\"", "\"expectations\"", "\"peak\"",
                            "\"failed_wildcards\"", "\"final_state\"", "\"trace_error\"", "\"exit_code\": 2"}) {
        CAPTURE(key);
        CHECK(run.out.find(key) != std::string::npos);
    }
}

TEST_CASE("replay --events writes one CSV row per request") {
    const Scratch scratch;
    const std::string events = scratch.path("events.csv");
    CHECK(run_wsrsim("replay --events " + events + ' ' + scratch.write("good.trace", good_trace)).exit_code == 0);
    const std::string csv = read_file(events);
    CHECK(csv.starts_with("time,line,request,outcome,token,port,start,count,trace\n"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 5);
    CHECK(csv.find("0,6,bind s 0,NO_ERROR,,5000,,,") != std::string::npos);
}

TEST_CASE("replay --seed and --policy override the trace") {
    const Scratch scratch;
    const std::string trace = scratch.write(
        "placed.trace", "seed 3\nprocess 1\nsocket 1 s tcp\nacquire s 0 100 => ok start=49152\n");
    CHECK(run_wsrsim("replay " + trace).exit_code == 1);  // random placement
    CHECK(run_wsrsim("replay --seed 11 --policy wildcard=first-fit,latency=0 " + trace).exit_code == 0);
}

TEST_CASE("replay --host starts from a pasted table and lists the lines it skipped") {
    const Scratch scratch;
    const std::string table = scratch.write(
        "table.txt",
        "C:\\> netsh int ipv4 show excludedportrange protocol=tcp\r\n\r\n"
        "Protokoll tcp Portausschlussbereiche\r\n\r\nStartport    Endport\r\n----------    --------\r\n"
        "      1224        1323\r\n     50000       50059     *\r\n      60000\r\n");
    const std::string trace = scratch.write("dev.trace", "process 3000\nsocket 3000 web tcp\nbind web 1258 => WSAEACCES\n");
    const Run run = run_wsrsim("replay --host " + table + ' ' + trace);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("2 rows (1 administered)") != std::string::npos);
    CHECK(run.out.find("line 9: only a start port: the row is cut short: 60000") != std::string::npos);
    CHECK(run.out.find("     50000       50059     *") != std::string::npos);
    CHECK(run_wsrsim("replay --host " + scratch.path("nowhere.txt") + ' ' + trace).exit_code == 2);
}

TEST_CASE("explain says what decides a bind in a Hyper-V block") {
    const Scratch scratch;
    const std::string table = scratch.write("table.txt", "      1224        1323\n     50000       50059     *\n");
    const Run run = run_wsrsim("explain --host " + table + " bind tcp 1258");
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("bind tcp 1258 (not elevated): WSAEACCES (10013)") != std::string::npos);
    CHECK(run.out.find("1224-1323 tcp, runtime reservation of pid 4 (System)") != std::string::npos);
    CHECK(run_wsrsim("explain --host " + table + " persist-create tcp 1258 1").out.find("ERROR_SHARING_VIOLATION") !=
          std::string::npos);
    CHECK(run_wsrsim("explain acquire udp 0 100").out.find("NO_ERROR") != std::string::npos);
}

TEST_CASE("gen writes traces that replay clean") {
    const Scratch scratch;
    for (const char* kind : {"hyperv", "churn", "exhaust"}) {
        CAPTURE(kind);
        const Run generated = run_wsrsim(std::string("gen ") + kind + " --seed 5 --events 2000");
        REQUIRE(generated.exit_code == 0);
        CHECK(run_wsrsim("replay " + scratch.write("generated.trace", generated.out)).exit_code == 0);
    }
}

TEST_CASE("demo still runs") {
    const Run run = run_wsrsim("demo");
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("bind port 0") != std::string::npos);
}

TEST_CASE("every trace of the corpus has a comment and replays with every expectation met") {
    std::size_t traces = 0;
    for (const auto& entry : fs::directory_iterator(environment("WSRSIM_TRACES"))) {
        if (entry.path().extension() != ".trace") continue;
        ++traces;
        CAPTURE(entry.path().string());
        const std::string text = read_file(entry.path().string());
        CHECK(text.find("\n# ") != std::string::npos);
        const auto replayed = wsrsim::test::replay_text(text);
        CHECK(replayed.summary.exit_code() == 0);
        CHECK(replayed.summary.expectations_checked > 0);
    }
    CHECK(traces >= 8);
}

TEST_CASE("compare: 0 when two event logs agree, 1 with the differences listed, 2 on bad input") {
    const Scratch scratch;
    const std::string trace = scratch.write("t.trace", "process 1000\nsocket 1000 s udp\nacquire s 0 20000 => WSAEINVAL\n");
    REQUIRE(run_wsrsim("replay --events " + scratch.path("a.csv") + ' ' + trace).exit_code == 0);
    const std::string model = read_file(scratch.path("a.csv"));
    const std::string a = scratch.path("a.csv");
    const std::string b = scratch.write("b.csv", model);
    CHECK(run_wsrsim("compare " + a + ' ' + b).exit_code == 0);

    scratch.write("b.csv", model.substr(0, model.find(",WSAEINVAL,")) + ",WSAENOBUFS,,,,," + trace + '\n');
    const Run differ = run_wsrsim("compare " + a + ' ' + b);
    CHECK(differ.exit_code == 1);
    CHECK(differ.out.find("line 3: acquire s 0 20000\n  " + a + ": WSAEINVAL\n  " + b + ": WSAENOBUFS") != std::string::npos);
    CHECK(differ.out.find("3 requests compared, 1 differ") != std::string::npos);

    const Run bad = run_wsrsim("compare " + a + ' ' + scratch.write("bad.csv", "time,line\n"), true);
    CHECK(bad.exit_code == 2);
    CHECK(bad.out.find(scratch.path("bad.csv") + ":1:") != std::string::npos);
    CHECK(run_wsrsim("compare " + a).exit_code == 2);
}

TEST_CASE("replay --backend linux reports where real sockets answer differently, with the model's expectations") {
    const std::string race = environment("WSRSIM_TRACES") + "/overlapped_race.trace";
    const Run run = run_wsrsim("replay --no-progress --backend linux " + quoted(race));
    CHECK(run.exit_code == 0);  // expectations are the model's, and the model meets them
    CHECK(run.out.find("divergence from the Linux backend: ") != std::string::npos);
    // Linux decides overlapped requests at issue: the race goes the other way.
    CHECK(run.out.find("model WSAEADDRINUSE, linux ok start=9000 count=1") != std::string::npos);
}

TEST_CASE("replay --backend refuses unknown backends and a linux run from an imported or saved host") {
    const std::string sample = quoted(environment("WSRSIM_TRACES") + "/microsoft_sample.trace");
    CHECK(run_wsrsim("replay --backend windows " + sample).exit_code == 2);
    CHECK(run_wsrsim("replay --backend linux --host table.txt " + sample).exit_code == 2);
    CHECK(run_wsrsim("replay --backend linux --state saved.host " + sample).exit_code == 2);
}

TEST_CASE("stats reads the host a replay leaves, from the final tables of its summary") {
    const Scratch scratch;
    const std::string trace = scratch.write(
        "boot.trace", "process 4 name=vmms\nsocket 4 s tcp\npolicy wildcard=first-fit\n"
                      "acquire s 0 100\nacquire s 0 100\nacquire s 0 100\n");
    const Run replayed = run_wsrsim("replay --no-progress " + trace);
    REQUIRE(replayed.exit_code == 0);
    const std::string host = scratch.write("host.txt", replayed.out);
    const Run stats = run_wsrsim("stats " + host);
    CHECK(stats.exit_code == 0);
    CHECK(stats.out.find("block sizes (ports:blocks): 100:3") != std::string::npos);
    CHECK(stats.out.find("runs: 1, mean length 3.00") != std::string::npos);
}
