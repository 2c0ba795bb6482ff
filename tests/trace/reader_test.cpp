// The reader: format v1 (SPEC §11), its additions, and trace errors with
// file, line and column.
#include <doctest/doctest.h>

#include <sstream>
#include <utility>
#include <vector>

#include "replay_support.hpp"
#include "wsrsim/netsh_import.hpp"
#include "wsrsim/random.hpp"
#include "wsrsim/trace_reader.hpp"

using namespace wsrsim;
using namespace wsrsim::trace;
using test::replay_text;
using test::trace_error;

namespace {

TraceLine parse_one(std::string_view text) {
    TraceParser parser("t.trace");
    TraceLine line;
    const auto error = parser.parse(text, 1, line);
    REQUIRE_MESSAGE(!error, (error ? describe(*error) : ""));
    return line;
}

}  // namespace

TEST_CASE("the listing of SPEC §11 replays as written, margin notes and all") {
    const std::string listing =
        "# wsrsim trace 1                  first line; '#' starts a comment anywhere\n"
        "seed 42                           host seed (tokens, random policies); default 1\n"
        "policy wildcard=random ephemeral=sequential latency=0\n"
        "dynamic tcp 49152 16384           set a dynamic range (like netsh set dynamicport)\n"
        "process 1000 elevated name=app    create a process; 'elevated' is optional\n"
        "socket 1000 s1 udp                socket NAME of pid 1000: tcp | udp | raw, then optional v6, nonoverlapped\n"
        "acquire s1 5000 20 as t1 => ok start=5000 count=20\n"
        "associate s1 $t1 => ok\n"
        "bind s1 0 => ok port=5000\n"
        "release s1 $t1 => ok\n"
        "acquire s1 0 100 async as w1 => pending\n"
        "@1500 wait w1 => ok count=100     '@T' sets the virtual clock (ns, never backwards)\n"
        "close s1 => ok\n"
        "persist-create 1000 tcp 50000 60 as p1 => ok\n"
        "persist-lookup 1000 tcp 50000 60 as p2 => ok\n"
        "persist-delete 1000 tcp 50000 60 => ok\n"
        "exit 1000\n"
        "reboot\n";
    const auto replayed = replay_text(listing);
    CHECK_MESSAGE(!replayed.summary.error, describe(replayed.summary.error.value_or(TraceError{})));
    CHECK(replayed.summary.expectations_checked == 10);
    CHECK(replayed.summary.expectations_unmet == 0);
    CHECK(replayed.summary.requests == 17);  // 16 lines of requests and the clock of `@1500`
    CHECK(replayed.host().seed() == 42);
}

TEST_CASE("each command becomes its request") {
    CHECK(std::get<req::SetDynamicRange>(parse_one("dynamic udp 1024 64511").request).count == 64511);
    const auto process = std::get<req::CreateProcess>(parse_one("process 7 elevated name=svc").request);
    CHECK(process.pid == 7);
    CHECK(process.elevated);
    CHECK(process.name == "svc");
    CHECK(std::get<req::ExitProcess>(parse_one("exit 7").request).pid == 7);
    const auto socket = std::get<req::OpenSocket>(parse_one("socket 7 s raw v6 nonoverlapped").request);
    CHECK(socket.kind == SocketKind::other);
    CHECK(socket.options.family == Family::v6);
    CHECK_FALSE(socket.options.overlapped);
    CHECK(std::get<req::PersistCreate>(parse_one("persist-create 7 udp 100 5 store=active").request).store ==
          ReservationKind::active);
    CHECK(std::holds_alternative<req::Reboot>(parse_one("reboot").request));
    const TraceLine clock = parse_one("@250");
    CHECK(clock.kind == LineKind::nothing);
    CHECK(clock.sets_clock);
    CHECK(clock.clock == 250);
}

TEST_CASE("acquire, associate and release take async and `as VAR` in either order") {
    TraceParser parser("t.trace");
    TraceLine line;
    REQUIRE_FALSE(parser.parse("socket 1 s tcp", 1, line));
    REQUIRE_FALSE(parser.parse("acquire s 0 100 as w async", 2, line));
    CHECK(std::get<req::Acquire>(line.request).mode == IoMode::overlapped);
    CHECK(line.binds_request);
    REQUIRE_FALSE(parser.parse("wait w", 3, line));
    REQUIRE_FALSE(parser.parse("release s $w async", 4, line));
    CHECK(std::get<req::Release>(line.request).mode == IoMode::overlapped);
    REQUIRE_FALSE(parser.parse("associate s 42", 5, line));
    CHECK(line.token.literal == 42);
}

TEST_CASE("outcome fields take a port however it is written, and refuse what is not one") {
    // Fields are read from one load where they can be, else word by word: both
    // ways must agree, at a line's end, before a comment, on a line shorter than
    // eight bytes after the arrow.
    const TraceLine fields = parse_one("reboot => ok port=7 start=00065535 count=12#c");
    CHECK(fields.expect.port == Port{7});
    CHECK(fields.expect.start == Port{65535});
    CHECK(fields.expect.count == Port{12});
    CHECK(fields.expect.text == "ok port=7 start=00065535 count=12");
    CHECK(parse_one("reboot => ok start=1 start=2").expect.start == Port{2});
    CHECK(parse_one("exit 1 => ok port=5").expect.port == Port{5});
    for (const std::string bad : {"start=65536", "count=", "port=5x", "start=123456789012", "port=-1", "count=1.5"}) {
        const auto error = trace_error("reboot => ok " + bad + "\n");
        REQUIRE(error);
        CHECK(error->message.find(" must be a number from 0 to 65535, not ") != std::string::npos);
        CHECK(error->column == 14);
    }
    CHECK(trace_error("reboot => ok stop=5\n")->message.find("unknown outcome field 'stop'") == 0);
}

TEST_CASE("expectations: ok with fields, pending, an error by name or number") {
    const TraceLine ok = parse_one("reboot => ok start=1 count=2 port=3 token=4");
    CHECK(ok.expect.kind == Expect::ok);
    CHECK(ok.expect.start == Port{1});
    CHECK(ok.expect.count == Port{2});
    CHECK(ok.expect.port == Port{3});
    CHECK(ok.expect.token->literal == 4);
    CHECK(ok.expect.text == "ok start=1 count=2 port=3 token=4");
    CHECK(parse_one("reboot => pending").expect.kind == Expect::pending);
    CHECK(parse_one("reboot => WSAEACCES").expect.error == Error::wsaeacces);
    CHECK(parse_one("reboot => 10048").expect.error == Error::wsaeaddrinuse);
    CHECK(parse_one("reboot => NO_ERROR").expect.kind == Expect::ok);
    CHECK(parse_one("reboot").expect.kind == Expect::nothing);
}

TEST_CASE("comments, blank lines, indentation and a byte order mark are nothing") {
    const auto replayed = replay_text("\xEF\xBB\xBF# wsrsim trace 1\n\n   \t\n  process 1 # a comment\n# only a comment\n");
    CHECK_FALSE(replayed.summary.error);
    CHECK(replayed.summary.requests == 1);
    CHECK(replayed.summary.lines == 5);
}

TEST_CASE("a margin note needs a complete request and two blanks; a stray word is an error") {
    CHECK_FALSE(trace_error("process 1  started by the test\n"));
    CHECK_FALSE(trace_error("process 1\tstarted by the test\n"));
    const auto stray = trace_error("process 1 started\n");
    REQUIRE(stray);
    CHECK(stray->column == 11);
    // A word the command takes is taken, however far it stands.
    const auto replayed = replay_text("process 1\nsocket 1 s tcp\nacquire s 0 100     async as w => pending\n");
    CHECK(replayed.summary.expectations_unmet == 0);
}

TEST_CASE("a margin note may run to any number of words, and stops at the arrow") {
    std::string note;
    for (int i = 0; i < 100; ++i) note += " word";
    const std::string text = "reboot  " + note + " => ok  " + note;
    const TraceLine line = parse_one(text);
    CHECK(line.request_text == "reboot");
    CHECK(line.expect.kind == Expect::ok);
    CHECK(line.expect.text == "ok");
}

TEST_CASE("a misspelt arrow is the error reported, whatever else the line gets wrong") {
    const auto error = trace_error("process 1\nbind nowhere =>ok\n");
    REQUIRE(error);
    CHECK(error->column == 14);
    CHECK(error->message == "put a blank after '=>'");
    // Columns count from after a byte order mark, as for every other error.
    CHECK(trace_error("\xEF\xBB\xBF" "bind nowhere =>ok\n")->column == 14);
}

TEST_CASE("the arrow ends at a blank, a tab, a comment or the line's end, and at nothing else") {
    CHECK(parse_one("reboot =>\tok").expect.kind == Expect::ok);
    CHECK(parse_one("reboot => ok").expect.kind == Expect::ok);
    CHECK(trace_error("reboot =>")->message.starts_with("missing an outcome after '=>'"));
    CHECK(trace_error("reboot =>#ok")->message.starts_with("missing an outcome after '=>'"));
    CHECK(trace_error("reboot =>> ok")->message == "put a blank after '=>'");
    CHECK(trace_error("reboot =>= ok")->column == 8);
}

TEST_CASE("a trace error names file, line and column") {
    const auto error = trace_error("process 1\nsocket 1 s tcp\nbind s  nonsense\n");
    REQUIRE(error);
    CHECK(error->file == "test.trace");
    CHECK(error->line == 3);
    CHECK(error->column == 9);
    CHECK(describe(*error) == "test.trace:3:9: expected PORT, got 'nonsense'");
}

TEST_CASE("unknown commands, sockets and variables are trace errors") {
    CHECK(trace_error("frobnicate 1\n")->message == "unknown command 'frobnicate'");
    const auto socket = trace_error("process 1\nbind s9 80\n");
    REQUIRE(socket);
    CHECK(socket->line == 2);
    CHECK(socket->column == 6);
    CHECK(socket->message.find("unknown socket 's9'") == 0);
    const auto variable = trace_error("process 1\nsocket 1 s tcp\nassociate s $nowhere\n");
    REQUIRE(variable);
    CHECK(variable->column == 13);
    CHECK(variable->message.find("unknown variable '$nowhere'") == 0);
    CHECK(trace_error("wait nothing\n")->message.find("does not name an overlapped request") != std::string::npos);
}

TEST_CASE("commands and outcomes are found whole, not by the bytes their hash reads") {
    // The perfect hash reads a word's length and its bytes, only the last eight
    // of a longer word; each of these shares a command's or an error name's
    // length and some of its bytes, the longer ones their last eight.
    for (const char* near_miss : {"persist-crXate", "pXrsist-create", "getsockXame", "gXtsockname", "aXsociate",
                                  "bindbind", "seedseed", "exitexit"})
        CHECK(trace_error(std::string(near_miss) + " 1\n")->message == "unknown command '" + std::string(near_miss) + "'");
    for (const char* near_miss : {"WSAEXNVAL", "XSAEINVAL", "ERROR_ACCESS_XENIED", "ERROR_XCCESS_DENIED", "XRROR_NOT_FOUND"})
        CHECK(trace_error("process 1 => " + std::string(near_miss) + "\n")->message.find("unknown outcome '" +
                                                                                std::string(near_miss) + "'") == 0);
    CHECK_FALSE(trace_error("process 1 => ok\nprocess 1 => ERROR_ALREADY_EXISTS\nprocess 2 => NO_ERROR\n"));
}

TEST_CASE("a socket or variable that is not a name says so before saying it is unknown") {
    const auto socket = trace_error("process 1\nbind 9s 80\n");
    REQUIRE(socket);
    CHECK(socket->column == 6);
    CHECK(socket->message.find("SOCK must be a name") == 0);
    const auto variable = trace_error("process 1\nsocket 1 s tcp\nacquire s 0 10 as t\nwait t\n");
    REQUIRE(variable);
    CHECK(variable->column == 6);
    CHECK(variable->message.find("'t' does not name an overlapped request") == 0);
    CHECK(trace_error("wait w!\n")->message.find("VAR must be a name") == 0);
    // Names of every length up to and past eight bytes, last on the line or not.
    std::string text = "process 1\n";
    for (const std::string name : {"a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghi", "s.1-x_y"})
        text += "socket 1 " + name + " tcp\nbind " + name + " 0\ngetsockname " + name + "\n";
    CHECK_FALSE(trace_error(text));
    CHECK(trace_error(text + "close abcdefgj\n")->message.find("unknown socket 'abcdefgj'") == 0);
}

TEST_CASE("an async request's variable is its token only after `wait`") {
    const std::string head = "process 1\nsocket 1 s tcp\nacquire s 0 10 async as w\n";
    const auto early = trace_error(head + "associate s $w\n");
    REQUIRE(early);
    CHECK(early->message.find("names an overlapped request") != std::string::npos);
    CHECK_FALSE(trace_error(head + "wait w\nassociate s $w => ok\n"));
    CHECK(trace_error("process 1\nsocket 1 s tcp\nacquire s 0 10 as t\nwait t\n"));
}

TEST_CASE("time never goes backwards") {
    const auto error = trace_error("@100\n@99 process 1\n");
    REQUIRE(error);
    CHECK(error->line == 2);
    CHECK(error->column == 1);
    CHECK(error->message == "time goes backwards: @99 after @100");
    // A wait may move the clock past a later @T: found while serving.
    const auto moved = trace_error(
        "policy latency=1000\nprocess 1\nsocket 1 s tcp\nacquire s 0 10 async as w\nwait w\n@500 reboot\n");
    REQUIRE(moved);
    CHECK(moved->line == 6);
    CHECK(moved->message.find("already at 1000 ns") != std::string::npos);
}

TEST_CASE("seed goes before the first request and expects nothing") {
    CHECK(trace_error("process 1\nseed 3\n")->message.find("seed must come before") == 0);
    CHECK(trace_error("seed 3 => ok\n"));
    CHECK(replay_text("# wsrsim trace 1\nseed 3\nseed 4\nprocess 1\n").host().seed() == 4);
}

TEST_CASE("limits go before the first request, expect nothing, and take caps above 0 by name") {
    CHECK(trace_error("process 1\nlimits sockets=3\n")->message.find("limits must come before") == 0);
    CHECK(trace_error("limits sockets=3 => ok\n")->message ==
          "limits is a setting, not a request: nothing to expect");
    CHECK(trace_error("limits\n")->message.find("nothing to set") == 0);
    const auto zero = trace_error("limits processes=2 sockets=0\n");
    REQUIRE(zero);
    CHECK(zero->message == "sockets must be a number above 0, not '0'");
    CHECK(zero->column == 20);
    CHECK(trace_error("limits files=3\n")->message ==
          "unknown cap 'files=3' (sockets=, reservations= or processes=)");
    CHECK(trace_error("limits sockets=99999999999999999999999\n"));
    CHECK_FALSE(trace_error("limits processes=2    a small host\n"));  // a margin note
}

TEST_CASE("another format version is refused; no header is fine") {
    const auto error = trace_error("# wsrsim trace 2\nprocess 1\n");
    REQUIRE(error);
    CHECK(error->line == 1);
    CHECK(error->column == 16);
    CHECK_FALSE(trace_error("process 1\n"));
}

TEST_CASE("bad input: empty files, CRLF, a missing final newline") {
    const auto empty = replay_text("");
    CHECK_FALSE(empty.summary.error);
    CHECK(empty.summary.requests == 0);
    CHECK(empty.summary.exit_code() == 0);
    CHECK(empty.model->host());  // the final tables still have a host to show

    const auto crlf = replay_text("process 1\r\nsocket 1 s udp\r\nbind s 5000 => ok port=5000\r\n");
    CHECK_FALSE(crlf.summary.error);
    CHECK(crlf.summary.expectations_unmet == 0);

    const auto unterminated = replay_text("process 1\nsocket 1 s udp\nbind s 5000 => ok port=5000");
    CHECK(unterminated.summary.expectations_checked == 1);
    CHECK(unterminated.summary.expectations_unmet == 0);
}

TEST_CASE("bad input: huge numbers and ports above 65535") {
    CHECK(trace_error("process 99999999999999999999999\n")->message == "PID '99999999999999999999999' is too large");
    CHECK(trace_error("process 4294967296\n")->message == "PID 4294967296 is above 4294967295");
    const std::string head = "process 1\nsocket 1 s tcp\n";
    CHECK(trace_error(head + "bind s 65536\n")->message == "PORT 65536 is above 65535");
    CHECK(trace_error(head + "acquire s 1 70000\n")->message == "COUNT 70000 is above 65535");
    CHECK(trace_error(head + "bind s -1\n")->message == "expected PORT, got '-1'");
    CHECK(trace_error(head + "associate s 18446744073709551616\n")->message ==
          "token '18446744073709551616' is too large");
    CHECK(trace_error("reboot => ok port=65536\n"));
    CHECK(trace_error("@18446744073709551616\n"));
    // A block running past 65535 is the model's to refuse (SPEC §2 row 6), not the reader's.
    CHECK(replay_text(head + "acquire s 65535 2 => WSAEINVAL\n").summary.expectations_unmet == 0);
}

TEST_CASE("a number is read the same whatever its length, its leading zeros and what follows it") {
    // Up to 19 digits are converted while scanned, longer numbers the slow way.
    static constexpr std::string_view endings[] = {"", " ", "  # note", "\t=> ok", " => WSAEINVAL", "#", "x", "\x80"};
    Rng rng(11);
    for (int round = 0; round < 20000; ++round) {
        std::string digits;
        for (auto count = rng.below(12) + 1; count-- > 0;) digits += static_cast<char>('0' + rng.below(10));
        const std::string_view ending = endings[rng.below(std::size(endings))];
        const std::string text = "exit " + digits + std::string(ending);
        TraceParser parser("t.trace");
        TraceLine line;
        const auto error = parser.parse(text, 1, line);
        const unsigned long long expected = std::stoull(digits);
        if (ending == "x" || ending == "\x80" || expected > UINT32_MAX) {
            CHECK_MESSAGE(error, text);
            continue;
        }
        REQUIRE_MESSAGE(!error, text);
        CHECK(std::get<req::ExitProcess>(line.request).pid == expected);
    }
}

TEST_CASE("bad input: binary junk is a trace error with the bytes escaped") {
    const std::string junk("\x7f" "ELF\x02\x01\x01\x00\x00\xff\xfe", 11);
    const auto error = trace_error(junk + "\nprocess 1\n");
    REQUIRE(error);
    CHECK(error->line == 1);
    CHECK(error->message == "unknown command '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\xff\\xfe'");
}

TEST_CASE("bad input: a line too long to be a trace line") {
    const std::string long_line(LineReader::default_longest_line + 10, 'a');
    const auto replayed = replay_text("process 1\n" + long_line + "\nprocess 2\n");
    REQUIRE(replayed.summary.error);
    CHECK(replayed.summary.error->line == 2);
    CHECK(replayed.summary.requests == 1);
}

TEST_CASE("the line reader keeps line numbers across long lines, CRLF and a missing newline") {
    std::istringstream in("a\r\n" + std::string(LineReader::default_longest_line + 5, 'x') + "\nb\nc");
    LineReader reader(in);
    CHECK(reader.next()->text == "a");
    const auto long_line = reader.next();
    CHECK(long_line->too_long);
    CHECK(long_line->number == 2);
    const auto b = reader.next();
    CHECK(b->text == "b");
    CHECK(b->number == 3);
    CHECK(reader.next()->text == "c");
    CHECK_FALSE(reader.next());
}

TEST_CASE("the line reader counts every byte it reads, across refills and a line too long to keep") {
    std::string text;
    for (int i = 0; i < 40000; ++i) text += "line " + std::to_string(i) + "\n";  // more than one read's worth
    text += std::string(3 * LineReader::default_longest_line, 'x') + "\nafter\r\nlast";
    std::istringstream in(text);
    LineReader reader(in);
    std::uint64_t lines = 0;
    std::uint64_t too_long = 0;
    std::string before_last, last;  // copies: a line's text lasts until the next call
    bool numbered_in_order = true;
    while (const auto line = reader.next()) {
        numbered_in_order = numbered_in_order && line->number == ++lines;
        too_long += line->too_long;
        before_last = std::exchange(last, std::string(line->text));
        if (line->number == 40000) CHECK(line->text == "line 39999");
    }
    CHECK(numbered_in_order);
    CHECK(lines == 40003);
    CHECK(too_long == 1);
    CHECK(before_last == "after");
    CHECK(last == "last");
    CHECK(reader.bytes_read() == text.size());
}

TEST_CASE("the line reader splits random text as a plain split at each newline does, across reads and lines too long") {
    // Lines of 0 to 300 bytes, some ending in CRLF, one now and then far longer
    // than the limit; 1.5 MB, so that several reads of the stream fill the buffer,
    // with and without a final newline.
    constexpr std::size_t longest = 200;
    for (const bool final_newline : {true, false}) {
        CAPTURE(final_newline);
        Rng rng(final_newline ? 3 : 4);
        std::string text;
        while (text.size() < 1'500'000) {
            const std::size_t length = rng.below(50) == 0 ? 1000 + rng.below(3000) : rng.below(301);
            for (std::size_t i = 0; i < length; ++i) text += static_cast<char>('a' + rng.below(26));
            text += rng.below(4) == 0 ? "\r\n" : "\n";
        }
        if (!final_newline) text += "tail";

        struct Expected {
            std::string text;
            bool too_long;
        };
        std::vector<Expected> expected;
        for (std::size_t begin = 0; begin < text.size();) {
            std::size_t end = text.find('\n', begin);
            if (end == std::string::npos) end = text.size();
            std::string line = text.substr(begin, end - begin);
            if (line.size() > longest) {
                expected.push_back({line.substr(0, longest), true});
            } else {
                if (!line.empty() && line.back() == '\r') line.pop_back();
                expected.push_back({line, false});
            }
            begin = end + 1;
        }

        std::istringstream in(text);
        LineReader reader(in, longest);
        std::size_t index = 0;
        while (const auto line = reader.next()) {
            REQUIRE(index < expected.size());
            CAPTURE(index);
            REQUIRE(line->number == index + 1);
            REQUIRE(line->too_long == expected[index].too_long);
            REQUIRE(line->text == expected[index].text);
            ++index;
        }
        CHECK(index == expected.size());
        CHECK(reader.bytes_read() == text.size());
    }
}

TEST_CASE("names are interned once and found again") {
    NameTable names;
    CHECK(names.intern("s1") == 0);
    CHECK(names.intern("s2") == 1);
    CHECK(names.intern("s1") == 0);
    CHECK(names.find("s2") == NameId{1});
    CHECK_FALSE(names.find("s3"));
    for (int i = 0; i < 1000; ++i) names.intern("name" + std::to_string(i));  // grows past its first table
    CHECK(names.find("name999") == NameId{1001});
    CHECK(names.size() == 1002);
}

TEST_CASE("policy settings read one key=value at a time") {
    PolicySettings settings;
    CHECK_FALSE(read_policy_setting("wildcard=next-fit", settings));
    CHECK_FALSE(read_policy_setting("latency=25", settings));
    CHECK(read_policy_setting("wildcard=best-fit", settings));
    CHECK(read_policy_setting("colour=blue", settings));
    const Policies policies = settings.applied_to(Policies{});
    CHECK(policies.wildcard == WildcardPlacement::next_fit);
    CHECK(policies.ephemeral == EphemeralPolicy::sequential);
    CHECK(policies.latency == 25);
}

TEST_CASE("random junk made of trace words, bytes and line ends never crashes the reader or the importer") {
    static constexpr std::string_view vocabulary[] = {
        "process", "socket", "acquire", "associate", "release", "bind", "close", "wait", "persist-create",
        "persist-lookup", "persist-delete", "reboot", "exit", "dynamic", "policy", "seed", "getsockname",
        "limits", "sockets=1", "reservations=1", "processes=1",
        "1", "0", "65535", "65536", "99999999999999999999999", "-1", "s", "t", "$t", "$w", "as", "async",
        "tcp", "udp", "raw", "v6", "elevated", "name=x", "=>", "ok", "pending", "WSAEINVAL", "start=5",
        "port=70000", "token=$t", "token=", "latency=5", "store=active", "@5", "@", "#", "\t", "\r",
        "\xff\xfe", std::string_view("\0", 1), "*", "Start Port : 5"};
    Rng rng(2024);
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        for (std::uint64_t line = rng.below(10); line-- > 0;) {
            for (std::uint64_t word = rng.below(8); word-- > 0;)
                text.append(vocabulary[rng.below(std::size(vocabulary))]).append(rng.below(4) ? " " : "   ");
            text += rng.below(4) ? "\n" : "\r\n";
        }
        const auto replayed = replay_text(text);
        CHECK(replayed.summary.exit_code() >= 0);
        std::istringstream table(text);
        Host host;
        ModelBackend backend(host);
        recreate_host(backend, read_netsh_tables(table));
    }
}
