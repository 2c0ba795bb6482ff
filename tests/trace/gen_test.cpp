// `wsrsim gen`: synthetic traces that replay with every expectation met.
#include <doctest/doctest.h>

#include <sstream>

#include "replay_support.hpp"
#include "wsrsim/trace_gen.hpp"

using namespace wsrsim;
using namespace wsrsim::trace;
using test::replay_text;

namespace {

std::string generated(GeneratedTrace kind, std::uint64_t seed, std::uint64_t events, bool expectations = true) {
    std::ostringstream out;
    const auto error = generate_trace(out, GenOptions{kind, seed, events, expectations});
    REQUIRE_MESSAGE(!error, (error ? describe(*error) : ""));
    return out.str();
}

std::uint64_t outcome_count(const ReplaySummary& summary, Error error) {
    for (const CodeCount& entry : summary.outcomes)
        if (entry.error == error) return entry.count;
    return 0;
}

}  // namespace

TEST_CASE("every kind of generated trace replays with every expectation met") {
    for (GeneratedTrace kind : {GeneratedTrace::hyperv, GeneratedTrace::churn, GeneratedTrace::exhaust}) {
        CAPTURE(generated_trace_name(kind));
        const auto replayed = replay_text(generated(kind, 3, 5000));
        CHECK(replayed.summary.exit_code() == 0);
        CHECK(replayed.summary.expectations_checked > 0);
        CHECK(replayed.summary.expectations_unmet == 0);
    }
}

TEST_CASE("the same options write the same trace; another seed another") {
    CHECK(generated(GeneratedTrace::churn, 7, 2000) == generated(GeneratedTrace::churn, 7, 2000));
    CHECK(generated(GeneratedTrace::churn, 7, 2000) != generated(GeneratedTrace::churn, 8, 2000));
}

TEST_CASE("--events counts requests; without expectations the requests are the same") {
    const auto replayed = replay_text(generated(GeneratedTrace::churn, 1, 1234, false));
    std::uint64_t clocks = 0;
    for (std::size_t kind = 0; kind < request_kind_count; ++kind)
        if (request_kind_name(kind) == "clock") clocks = replayed.summary.requests_by_kind[kind];
    CHECK(replayed.summary.requests - clocks == 1234);
    CHECK(replayed.summary.expectations_checked == 0);
}

TEST_CASE("churn uses every request kind and gives errors") {
    const auto replayed = replay_text(generated(GeneratedTrace::churn, 2, 30000));
    for (std::size_t kind = 0; kind < request_kind_count; ++kind) {
        CAPTURE(request_kind_name(kind));
        CHECK(replayed.summary.requests_by_kind[kind] > 0);
    }
    for (Error error : {Error::wsaenotsock, Error::wsaeopnotsupp, Error::wsaeinval, Error::wsaeaddrinuse,
                        Error::wsaenobufs, Error::io_pending, Error::operation_aborted, Error::access_denied,
                        Error::sharing_violation, Error::invalid_parameter, Error::not_found}) {
        CAPTURE(error_name(error));
        CHECK(outcome_count(replayed.summary, error) > 0);
    }
}

TEST_CASE("exhaust takes wildcard blocks until WSAENOBUFS") {
    const auto replayed = replay_text(generated(GeneratedTrace::exhaust, 4, 100000));
    CHECK(replayed.summary.failed_wildcards == 1);
    CHECK(outcome_count(replayed.summary, Error::wsaenobufs) == 1);
    CHECK(replayed.host().counts(Transport::tcp).reserved_ports > 10000);
}

TEST_CASE("hyperv: the service's blocks make some application binds fail with WSAEACCES") {
    const auto replayed = replay_text(generated(GeneratedTrace::hyperv, 1, 20000));
    CHECK(outcome_count(replayed.summary, Error::wsaeacces) > 0);
    CHECK(replayed.summary.peaks[0].reserved_ports >= 300);
}
