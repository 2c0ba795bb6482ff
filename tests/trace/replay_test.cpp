// The replay engine: expectations, variables, overlapped requests, overrides,
// the summary and the events.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "replay_support.hpp"

using namespace wsrsim;
using namespace wsrsim::trace;
using test::replay_text;

namespace {

std::uint64_t count_of(const std::vector<CodeCount>& counts, Error error) {
    for (const CodeCount& entry : counts)
        if (entry.error == error) return entry.count;
    return 0;
}

std::uint64_t kind_count(const ReplaySummary& summary, std::string_view kind) {
    for (std::size_t i = 0; i < request_kind_count; ++i)
        if (request_kind_name(i) == kind) return summary.requests_by_kind[i];
    return 0;
}

const std::string app = "process 1000 name=app\nsocket 1000 s tcp\n";

}  // namespace

TEST_CASE("unmet expectations are listed with their lines; the exit code is 1") {
    const auto replayed = replay_text(app +
                                      "acquire s 5000 10 => ok start=5000 count=10\n"
                                      "acquire s 5005 1 => ok\n"
                                      "bind s 6000 => ok port=6001\n"
                                      "bind s 6002 => WSAEINVAL\n");
    const ReplaySummary& summary = replayed.summary;
    CHECK(summary.expectations_checked == 4);
    CHECK(summary.expectations_unmet == 2);
    REQUIRE(summary.unmet.size() == 2);
    CHECK(summary.unmet[0].line == 4);
    CHECK(summary.unmet[0].expected == "ok");
    CHECK(summary.unmet[0].actual == "WSAEADDRINUSE");
    CHECK(summary.unmet[1].line == 5);
    CHECK(summary.unmet[1].expected == "ok port=6001");
    CHECK(summary.unmet[1].actual == "ok port=6000");
    CHECK(summary.exit_code() == 1);
}

TEST_CASE("only the first detail_limit unmet expectations are kept; all are counted") {
    std::string text = app;
    for (int i = 0; i < 10; ++i) text += "getsockname s => ok\n";
    ReplayOptions options;
    options.detail_limit = 3;
    const auto replayed = replay_text(text, options);
    CHECK(replayed.summary.expectations_unmet == 10);
    CHECK(replayed.summary.unmet.size() == 3);
}

TEST_CASE("a trace error stops the replay: nothing on or after its line is served") {
    const auto replayed = replay_text(app +
                                      "acquire s 5000 10 => ok\n"
                                      "acquire s 6000 10 bogus\n"
                                      "acquire s 7000 10\n");
    REQUIRE(replayed.summary.error);
    CHECK(replayed.summary.error->line == 4);
    CHECK(replayed.summary.exit_code() == 2);
    const auto reservations = replayed.host().reservations(Transport::tcp);
    REQUIRE(reservations.size() == 1);
    CHECK(reservations.front().block == PortBlock{5000, 10});
}

TEST_CASE("a clock the trace cannot set stops the line before its request") {
    const auto replayed = replay_text("policy latency=100\n" + app +
                                      "@0 acquire s 0 10 async as w => pending\n"
                                      "wait w => ok\n"
                                      "@50 acquire s 5000 1\n");
    REQUIRE(replayed.summary.error);
    CHECK(replayed.summary.error->line == 6);
    CHECK_FALSE(replayed.host().reservation_covering(Transport::tcp, 5000));
}

TEST_CASE("`as VAR` after a failure holds token 0, which names no reservation") {
    const auto replayed = replay_text(app +
                                      "acquire s 0 0 as none => WSAEINVAL\n"
                                      "associate s $none => WSAEINVAL\n");
    CHECK(replayed.summary.expectations_unmet == 0);
}

TEST_CASE("wait gives the outcome a request settled with at once") {
    const auto replayed = replay_text(app +
                                      "socket 1000 blocking tcp nonoverlapped\n"
                                      "acquire blocking 5000 1 async as sync => ok start=5000 count=1\n"
                                      "wait sync => ok start=5000 count=1\n"
                                      "associate s $sync => ok\n"
                                      "close s\n"
                                      "acquire s 6000 1 async as failed => WSAENOTSOCK\n"
                                      "wait failed => WSAENOTSOCK\n"
                                      "wait failed => WSAENOTSOCK\n");
    CHECK(replayed.summary.expectations_unmet == 0);
    CHECK(kind_count(replayed.summary, "wait") == 3);
}

TEST_CASE("a request lost in a reboot cannot be waited for") {
    const auto replayed = replay_text("policy latency=10\n" + app +
                                      "acquire s 0 10 async as w => pending\n"
                                      "reboot\n"
                                      "wait w => ERROR_INVALID_PARAMETER\n");
    CHECK(replayed.summary.expectations_unmet == 0);
}

TEST_CASE("records of overlapped requests nobody waits for do not pile up in the host") {
    std::string text = app;
    for (int i = 0; i < 500; ++i) text += "acquire s 0 1 async as t\nwait t\nrelease s $t async\n";
    const auto replayed = replay_text(text);
    CHECK(replayed.summary.expectations_unmet == 0);
    CHECK_FALSE(replayed.host().request(1));    // waited for, then forgotten
    CHECK_FALSE(replayed.host().request(2));    // never named: forgotten once complete
    CHECK(replayed.host().counts(Transport::tcp).reservations == 0);
}

TEST_CASE("--seed and --policy win over the trace's seed and policy lines") {
    const std::string text = "seed 5\npolicy wildcard=random latency=7\n" + app +
                             "acquire s 0 100 => ok start=49152 count=100\n";
    ReplayOptions options;
    options.seed = 9;
    options.policies.wildcard = WildcardPlacement::first_fit;
    const auto replayed = replay_text(text, options);
    CHECK(replayed.summary.expectations_unmet == 0);
    CHECK(replayed.host().seed() == 9);
    CHECK(replayed.host().policies().wildcard == WildcardPlacement::first_fit);
    CHECK(replayed.host().policies().latency == 7);  // not overridden: the trace's
}

TEST_CASE("a limits line caps the host; a second changes only the caps it names; --limits wins cap by cap") {
    const std::string text = "limits sockets=1 reservations=5\nlimits reservations=1\nprocess 1\n"
                             "socket 1 a tcp => ok\n"
                             "socket 1 b tcp => WSAEMFILE\n"
                             "acquire a 5000 1 => ok start=5000 count=1\n"
                             "acquire a 6000 1 => WSAENOBUFS\n";
    const auto capped = replay_text(text);
    CHECK(capped.summary.expectations_checked == 4);
    CHECK(capped.summary.expectations_unmet == 0);

    ReplayOptions options;
    options.limits.sockets = 2;
    const auto lifted = replay_text(text, options);
    REQUIRE(lifted.summary.unmet.size() == 1);
    CHECK(lifted.summary.unmet[0].line == 5);  // the second socket opens
    CHECK(lifted.summary.unmet[0].actual == "ok");
}

TEST_CASE("a policy line changes only the settings it names") {
    const auto replayed = replay_text("policy wildcard=next-fit ephemeral=random\npolicy latency=3\n");
    const Policies policies = replayed.host().policies();
    CHECK(policies.wildcard == WildcardPlacement::next_fit);
    CHECK(policies.ephemeral == EphemeralPolicy::random);
    CHECK(policies.latency == 3);
}

TEST_CASE("the summary counts requests by kind and outcomes by code") {
    const auto replayed = replay_text(app + "@5 bind s 80\nbind s 81\ngetsockname s\n");
    const ReplaySummary& summary = replayed.summary;
    CHECK(summary.requests == 6);
    CHECK(kind_count(summary, "bind") == 2);
    CHECK(kind_count(summary, "clock") == 1);
    CHECK(kind_count(summary, "getsockname") == 1);
    CHECK(count_of(summary.outcomes, Error::ok) == 5);
    CHECK(count_of(summary.outcomes, Error::wsaeinval) == 1);
    CHECK(summary.lines == 5);
}

TEST_CASE("peaks follow reservations, reserved ports and bound sockets per transport") {
    const auto replayed = replay_text(app +
                                      "socket 1000 u udp\n"
                                      "acquire s 5000 10 as a\nacquire s 6000 20 as b\n"
                                      "release s $a\nrelease s $b\n"
                                      "bind u 7000\n");
    REQUIRE(replayed.summary.has_peaks);
    const TransportPeak tcp = replayed.summary.peaks[0];
    const TransportPeak udp = replayed.summary.peaks[1];
    CHECK(tcp.reservations == 2);
    CHECK(tcp.reserved_ports == 30);
    CHECK(tcp.bound_sockets == 0);
    CHECK(udp.reservations == 0);
    CHECK(udp.bound_sockets == 1);
}

TEST_CASE("failed wildcard requests are counted with their lines, also when decided at completion") {
    const auto replayed = replay_text("policy latency=10\ndynamic tcp 60000 255\n" + app +
                                      "acquire s 0 255 => ok\n"
                                      "acquire s 0 1 => WSAENOBUFS\n"
                                      "acquire s 0 1000 => WSAEINVAL\n"
                                      "acquire s 0 1 async as w => pending\n"
                                      "wait w => WSAENOBUFS\n"
                                      "acquire s 5000 0 => WSAEINVAL\n");
    const ReplaySummary& summary = replayed.summary;
    CHECK(summary.expectations_unmet == 0);
    CHECK(summary.failed_wildcards == 3);
    CHECK(count_of(summary.failed_wildcards_by_code, Error::wsaenobufs) == 2);
    CHECK(count_of(summary.failed_wildcards_by_code, Error::wsaeinval) == 1);
    CHECK(summary.failed_wildcard_lines == std::vector<std::uint64_t>{6, 7, 9});
}

namespace {

struct Recorder final : EventSink {
    struct Row {
        Nanos time;
        std::uint64_t line;
        std::string kind;
        std::string text;
        Outcome outcome;
    };
    std::vector<Row> rows;
    void record(const ReplayEvent& event) override {
        rows.push_back(Row{event.time, event.line, std::string(request_kind_name(event.kind)),
                           std::string(event.request_text), event.outcome});
    }
};

}  // namespace

TEST_CASE("every request is an event, with the virtual time after it") {
    Recorder recorder;
    ReplayOptions options;
    options.events = &recorder;
    replay_text(app + "@1500 bind s 0 => ok   # a comment\n", options);
    REQUIRE(recorder.rows.size() == 4);
    CHECK(recorder.rows[2].kind == "clock");
    CHECK(recorder.rows[2].text == "@1500");
    CHECK(recorder.rows[3].time == 1500);
    CHECK(recorder.rows[3].line == 3);
    CHECK(recorder.rows[3].text == "bind s 0");
    CHECK(recorder.rows[3].outcome.port == 49152);
}

namespace {

// The model seen through a backend that reports no model: the engine must not need one.
class OpaqueBackend final : public Backend {
public:
    explicit OpaqueBackend(const HostConfig& config) : host_(config), model_(host_) {}
    std::string_view name() const override { return "opaque"; }
    Outcome apply(const Request& request) override { return model_.apply(request); }

private:
    Host host_;
    ModelBackend model_;
};

}  // namespace

TEST_CASE("a backend without a model: no peaks, the clock from the trace") {
    std::optional<OpaqueBackend> backend;
    Recorder recorder;
    ReplayOptions options;
    options.events = &recorder;
    std::istringstream in(app + "@70 bind s 0 => ok\n");
    const ReplaySummary summary = replay(
        in, [&](const HostConfig& config) -> Backend& { return backend.emplace(config); }, options);
    CHECK(summary.exit_code() == 0);
    CHECK_FALSE(summary.has_peaks);
    CHECK(recorder.rows.back().time == 70);
}

namespace {

// A trace written as it is read, never held whole: a process and a socket to
// hold reservations, then a six-line cycle, over and over, that opens a socket,
// takes a wildcard block, binds a port of it through the token, and gives all
// back, so that sockets, reservations, tokens and names come and go.
class EndlessTrace : public std::streambuf {
public:
    explicit EndlessTrace(std::uint64_t lines) : left_(lines) { setg(chunk_, chunk_, chunk_); }

protected:
    int_type underflow() override {
        static constexpr std::array<std::string_view, 2> first{
            "process 1\n",
            "socket 1 keeper tcp => ok\n",
        };
        static constexpr std::array<std::string_view, 6> cycle{
            "socket 1 s tcp => ok\n",
            "acquire keeper 0 10 as t => ok count=10\n",
            "associate s $t => ok\n",
            "bind s 0 => ok\n",
            "close s => ok\n",
            "release keeper $t => ok\n",
        };
        std::size_t size = 0;
        for (; left_ > 0; --left_, ++written_) {
            const std::string_view line =
                written_ < first.size() ? first[written_] : cycle[(written_ - first.size()) % cycle.size()];
            if (size + line.size() > sizeof chunk_) break;
            line.copy(chunk_ + size, line.size());
            size += line.size();
        }
        setg(chunk_, chunk_, chunk_ + size);
        return size == 0 ? traits_type::eof() : traits_type::to_int_type(*gptr());
    }

private:
    char chunk_[4096];
    std::uint64_t left_;
    std::uint64_t written_ = 0;
};

// This process's resident memory in KiB (VmRSS of /proc/self/status), if known.
std::optional<std::uint64_t> resident_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.starts_with("VmRSS:")) return std::stoull(line.substr(6));
    return std::nullopt;
}

// Resident memory at each progress report of a replay.
struct MemorySamples final : ProgressSink {
    std::vector<std::uint64_t> kib;
    void update(const ReplayProgress&) override {
        if (const auto resident = resident_kib()) kib.push_back(*resident);
    }
};

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer holds freed memory back in quarantine, so resident memory
// grows whatever the reader does; and the replay runs some 30 times slower.
constexpr bool memory_is_measurable = false;
constexpr std::uint64_t long_trace_lines = 1'000'000;
#else
constexpr bool memory_is_measurable = true;
constexpr std::uint64_t long_trace_lines = 10'000'000;
#endif

}  // namespace

TEST_CASE("a 10-million-line generated trace replays in flat memory") {
    EndlessTrace source(long_trace_lines);
    std::istream in(&source);
    ModelHost model;
    MemorySamples memory;
    ReplayOptions options;
    options.progress = &memory;
    const ReplaySummary summary = replay(in, model.factory(), options);
    CHECK(summary.exit_code() == 0);
    CHECK(summary.lines == long_trace_lines);
    CHECK(summary.requests == long_trace_lines);
    CHECK(summary.expectations_checked == long_trace_lines - 1);
    CHECK(model.host()->counts(Transport::tcp).bound_sockets == 0);
    CHECK(model.host()->counts(Transport::tcp).reservations <= 1);
    if (memory_is_measurable && !memory.kib.empty()) {  // empty: no /proc/self/status here
        // From the first report (after 16,384 lines, with buffers, pools and
        // tables warm) to the end, resident memory grows by less than 1 MiB: a
        // reader that kept lines, or a replay that kept a record per request,
        // would grow by hundreds.
        REQUIRE(memory.kib.size() > 100);
        const std::uint64_t highest = *std::max_element(memory.kib.begin(), memory.kib.end());
        CHECK(highest - memory.kib.front() < 1024);
    }
}

namespace {

struct ProgressLog final : ProgressSink {
    std::vector<ReplayProgress> updates;
    void update(const ReplayProgress& progress) override { updates.push_back(progress); }
};

}  // namespace

TEST_CASE("progress is reported while reading and once at the end") {
    std::string text = "process 1\n";
    for (int i = 0; i < 40'000; ++i) text += "exit 2\n";
    ProgressLog log;
    ReplayOptions options;
    options.progress = &log;
    replay_text(text, options);
    REQUIRE(log.updates.size() >= 3);
    CHECK(log.updates.back().lines == 40'001);
    CHECK(log.updates.back().bytes == text.size());
}

// Inputs the fuzzers crashed the replay with (tests/fuzz): each must now replay to
// an end, whatever its outcome.
TEST_CASE("fuzz-found crash inputs replay without crashing") {
    const char* folder = std::getenv("WSRSIM_REGRESSIONS");
    REQUIRE_MESSAGE(folder, "WSRSIM_REGRESSIONS is not set: run the tests through meson");
    std::size_t replayed = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        CAPTURE(entry.path().string());
        std::ifstream file(entry.path(), std::ios::binary);
        ModelHost model;
        const ReplaySummary summary = replay(file, model.factory(), ReplayOptions{});
        CHECK(summary.lines > 0);
        ++replayed;
    }
    CHECK(replayed >= 1);
}
