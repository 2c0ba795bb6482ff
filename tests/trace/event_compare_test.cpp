// Event logs read back, and `wsrsim compare`'s logic: lining two logs up by trace line.
#include <doctest/doctest.h>

#include <sstream>

#include "replay_support.hpp"
#include "wsrsim/event_compare.hpp"

namespace {

using namespace wsrsim::trace;

constexpr std::string_view sample_trace = R"(# wsrsim trace 1
process 1000
socket 1000 s1 udp
acquire s1 5000 20 as t1 => ok start=5000 count=20
associate s1 $t1 => ok
@1500 bind s1 0 => ok port=5000
acquire s1 0 20000 => WSAEINVAL
)";

// The model's event log of a trace, as `wsrsim replay --events` writes it.
std::string model_log(std::string_view text, std::string_view file = "t.trace") {
    std::ostringstream out;
    EventsCsv csv(out);
    csv.start_trace(file);
    ReplayOptions options{.file = std::string(file), .events = &csv};
    wsrsim::test::replay_text(text, options);
    return out.str();
}

EventLog read(const std::string& csv, std::string file = "log.csv") {
    std::istringstream in(csv);
    return read_event_log(in, std::move(file));
}

// The log with `from` replaced by `to` once (it must occur).
std::string edited(std::string csv, std::string_view from, std::string_view to) {
    const auto at = csv.find(from);
    REQUIRE(at != std::string::npos);
    return csv.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("an event log reads back as it was written") {
    const EventLog log = read(model_log(sample_trace));
    REQUIRE_FALSE(log.error);
    REQUIRE(log.events.size() == 7);  // the `@1500` of line 6 is a row of its own
    const LoggedEvent& acquire = log.events[2];
    CHECK(acquire.line == 4);
    CHECK(acquire.request == "acquire s1 5000 20 as t1");
    CHECK(acquire.outcome == "NO_ERROR");
    CHECK(acquire.start == 5000);
    CHECK(acquire.count == 20);
    CHECK(acquire.token != 0);
    CHECK(acquire.trace == "t.trace");
    CHECK(log.events[5].port == 5000);
    CHECK(log.events[5].time == 1500);
    CHECK(log.events[6].outcome == "WSAEINVAL");
}

TEST_CASE("quoted fields, CRLF line ends and a UTF-8 byte order mark are read") {
    const EventLog log = read("\xEF\xBB\xBFtime,line,request,outcome,token,port,start,count,trace\r\n"
                              "0,3,\"bind s1 0 # a, b \"\"c\"\"\",NO_ERROR,,49152,,,\"my,trace.trace\"\r\n");
    REQUIRE_FALSE(log.error);
    REQUIRE(log.events.size() == 1);
    CHECK(log.events[0].request == "bind s1 0 # a, b \"c\"");
    CHECK(log.events[0].trace == "my,trace.trace");
    CHECK(log.events[0].port == 49152);
}

TEST_CASE("a malformed event log is an error naming the file and line") {
    const std::string header = std::string(events_csv_header) + '\n';
    struct Case {
        std::string text;
        std::uint64_t line;
        std::string_view says;
    };
    for (const Case& bad : {
             Case{"", 1, "empty"},
             Case{"a,b\n", 1, "not an event log"},
             Case{"\xFF\xFEt\0i\0", 1, "UTF-16"},
             Case{header + "0,1,x,NO_ERROR,,,,,t\n0,2,x,NO_ERROR,,,,t\n", 3, "9 comma-separated"},
             Case{header + "0,1,\"x,NO_ERROR,,,,,t\n", 2, "9 comma-separated"},
             Case{header + "0,one,x,NO_ERROR,,,,,t\n", 2, "field 2 ('one') is not a number"},
             Case{header + "0,1,x,,,,,,t\n", 2, "outcome is missing"},
         }) {
        CAPTURE(bad.text);
        const EventLog log = read(bad.text, "bad.csv");
        REQUIRE(log.error);
        CHECK(log.error->file == "bad.csv");
        CHECK(log.error->line == bad.line);
        CHECK(log.error->message.find(bad.says) != std::string::npos);
    }
}

TEST_CASE("two logs of one run agree; tokens and the trace's name are not compared") {
    const std::string csv = model_log(sample_trace, "traces/t.trace");
    const EventLog a = read(csv);
    EventLog b = read(model_log(sample_trace, "traces\\t.trace"));
    b.events[2].token += 1;
    const EventComparison same = compare_events(a, b, {});
    CHECK_FALSE(same.mismatch);
    CHECK(same.compared == 7);
    CHECK(same.differences.empty());
}

TEST_CASE("a different outcome or count is a difference; positions only when asked") {
    const std::string csv = model_log(sample_trace);
    const EventLog model = read(csv);
    const EventLog windows = read(edited(edited(csv, "WSAEINVAL", "WSAENOBUFS"), ",5000,,,", ",49152,,,"));

    const EventComparison codes = compare_events(model, windows, {});
    REQUIRE(codes.differences.size() == 1);
    CHECK(codes.differences[0].first->line == 7);
    CHECK(describe_compared(codes.differences[0].first, {}) == "WSAEINVAL");
    CHECK(describe_compared(codes.differences[0].second, {}) == "WSAENOBUFS");

    const CompareOptions positions{.positions = true};
    const EventComparison exact = compare_events(model, windows, positions);
    REQUIRE(exact.differences.size() == 2);
    CHECK(exact.differences[0].first->line == 6);
    CHECK(describe_compared(exact.differences[0].second, positions) == "NO_ERROR port=49152");
}

TEST_CASE("rows only one log has are differences with the other side missing") {
    const std::string csv = model_log(sample_trace);
    const std::string cut = csv.substr(0, csv.find("1500,7,acquire s1 0 20000"));
    const EventLog whole = read(csv);
    const EventLog shorter = read(cut);
    const EventComparison comparison = compare_events(whole, shorter, {});
    REQUIRE(comparison.differences.size() == 1);
    CHECK(comparison.differences[0].first->line == 7);
    CHECK(comparison.differences[0].second == nullptr);
    CHECK(describe_compared(nullptr, {}) == "(missing)");
    CHECK(compare_events(shorter, whole, {}).differences[0].first == nullptr);
}

TEST_CASE("logs of different traces are refused") {
    const std::string csv = model_log(sample_trace);
    const EventLog model = read(csv);
    const EventLog other = read(edited(csv, "associate s1 $t1", "release s1 $t1"));
    const EventComparison comparison = compare_events(model, other, {});
    REQUIRE(comparison.mismatch);
    CHECK(comparison.mismatch->find("trace line 5") != std::string::npos);
}
