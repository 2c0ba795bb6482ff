// The fast model against the reference model: hand-written scenarios whose
// outcomes are known (they catch a broken reference), then generated requests.
#include <doctest/doctest.h>

#include <set>
#include <utility>

#include "differential.hpp"
#include "spec_examples.hpp"
#include "wsrsim/decisions.hpp"

using namespace wsrsim;
using namespace wsrsim::differential;

namespace {

struct Expected {
    Request request;
    Outcome outcome;
};

// The reference must give exactly the outcomes written down, and the fast model
// must agree with it on everything observable after every step.
void check_scenario(SideBySide& models, const std::vector<Expected>& steps) {
    for (const Expected& step : steps) {
        INFO(describe(step.request));
        const SideBySide::Result result = models.serve(step.request);
        CHECK(describe(result.outcome) == describe(step.outcome));
        CHECK(result.differences == "");
    }
}

// The first `n` tokens a host with this seed hands out.
std::vector<Token> first_tokens(std::uint64_t seed, int n) {
    TokenSource source(seed);
    std::vector<Token> tokens;
    for (int i = 0; i < n; ++i) tokens.push_back(source.draw());
    return tokens;
}

constexpr SocketOptions overlapped_v4{};
const Outcome ok{};

}  // namespace

TEST_CASE("the reference serves the Microsoft sample's calls with the outcomes it documents") {
    SideBySide models(same_configs(1));
    const Token token = first_tokens(1, 1)[0];
    check_scenario(models, {
        {req::CreateProcess{1000, false, "sample"}, ok},
        {req::OpenSocket{1000, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x104}},
        {req::OpenSocket{1000, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x108}},
        {req::Acquire{0x104, PortBlock{5000, 20}, IoMode::sync},
         Outcome{.block = {5000, 20}, .token = token}},
        {req::Associate{0x104, token, IoMode::sync}, ok},
        {req::Bind{0x104, 0}, Outcome{.port = 5000}},
        {req::GetSockName{0x104}, Outcome{.port = 5000}},
        {req::Release{0x104, token, IoMode::sync}, ok},
        {req::CloseSocket{0x108}, ok},
        {req::CloseSocket{0x104}, ok},
        {req::CloseSocket{0x104}, failure(Error::wsaenotsock)},
    });
    CHECK(models.reference().counts(Transport::udp) == PortSpaceCounts{});
}

TEST_CASE("the reference prints the SPEC's netsh example byte for byte") {
    SideBySide models(same_configs(1));
    const std::vector<Token> tokens = first_tokens(1, 2);
    check_scenario(models, {
        {req::CreateProcess{1, true, "admin"}, ok},
        {req::OpenSocket{1, SocketKind::tcp, overlapped_v4}, Outcome{.socket = 0x104}},
        {req::PersistCreate{1, Transport::tcp, PortBlock{50000, 60}, ReservationKind::persistent},
         Outcome{.block = {50000, 60}, .token = tokens[0]}},
        {req::Acquire{0x104, PortBlock{5357, 1}, IoMode::sync},
         Outcome{.block = {5357, 1}, .token = tokens[1]}},
    });
    CHECK(models.reference().excluded_port_range_text(Transport::tcp) == test::spec_excluded_tcp_table);
    CHECK(models.reference().excluded_port_range_text(Transport::udp) ==
          "\nProtocol udp Port Exclusion Ranges\n\nStart Port    End Port\n----------    --------\n"
          "\n* - Administered port exclusions.\n\n");
}

TEST_CASE("queued acquires decide at completion, in issue order, and closing the socket aborts") {
    const HostConfig config{.seed = 3, .policies = Policies{.latency = 100}};
    SideBySide models(ModelConfigs{config, config});
    const Token winner = first_tokens(3, 1)[0];
    const auto queued_acquire = [](SocketHandle socket, Port start, Port count) {
        return req::Acquire{socket, PortBlock{start, count}, IoMode::overlapped};
    };
    const auto pending = [](RequestId id) {
        return Outcome{.error = Error::io_pending, .request = id};
    };
    check_scenario(models, {
        {req::CreateProcess{7, false, "app"}, ok},
        {req::OpenSocket{7, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x104}},
        {req::OpenSocket{7, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x108}},
        {req::OpenSocket{7, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x10c}},
        {queued_acquire(0x104, 5000, 10), pending(1)},
        {queued_acquire(0x108, 5005, 10), pending(2)},
        {queued_acquire(0x10c, 7000, 1), pending(3)},
        {req::CloseSocket{0x10c}, ok},
        {req::Wait{3}, failure(Error::operation_aborted)},
        {req::AdvanceClock{99}, ok},
        {req::Wait{2}, failure(decision::acquire_block_taken)},
        {req::Wait{1}, Outcome{.block = {5000, 10}, .token = winner}},
        {req::Wait{4}, failure(Error::invalid_parameter)},
        {req::AdvanceClock{50}, failure(Error::invalid_parameter)},
    });
    CHECK(models.reference().now() == 100);
}

TEST_CASE("reboot drops active blocks and redraws persistent tokens, TCP by start port first") {
    SideBySide models(same_configs(5));
    const std::vector<Token> tokens = first_tokens(5, 7);
    const auto create = [](Transport transport, Port start, ReservationKind store) {
        return req::PersistCreate{1, transport, PortBlock{start, 1}, store};
    };
    const auto one_port = [](Port start, Token token) {
        return Outcome{.block = {start, 1}, .token = token};
    };
    const auto lookup = [](Transport transport, Port start) {
        return req::PersistLookup{0, transport, PortBlock{start, 1}};
    };
    check_scenario(models, {
        {req::CreateProcess{1, true, "admin"}, ok},
        {create(Transport::udp, 3000, ReservationKind::persistent), one_port(3000, tokens[0])},
        {create(Transport::tcp, 4000, ReservationKind::persistent), one_port(4000, tokens[1])},
        {create(Transport::tcp, 2000, ReservationKind::active), one_port(2000, tokens[2])},
        {create(Transport::tcp, 1500, ReservationKind::persistent), one_port(1500, tokens[3])},
        {req::Reboot{}, ok},
        {lookup(Transport::udp, 3000), one_port(3000, tokens[6])},
        {lookup(Transport::tcp, 4000), one_port(4000, tokens[5])},
        {lookup(Transport::tcp, 1500), one_port(1500, tokens[4])},
        {lookup(Transport::tcp, 2000), failure(Error::not_found)},
        {req::OpenSocket{1, SocketKind::tcp, overlapped_v4}, failure(Error::invalid_parameter)},
    });
}

TEST_CASE("sockets of a reservation share its ports, but not with a socket outside it") {
    SideBySide models(same_configs(4));
    const Token token = first_tokens(4, 1)[0];
    check_scenario(models, {
        {req::CreateProcess{1, true, "admin"}, ok},
        {req::OpenSocket{1, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x104}},
        {req::OpenSocket{1, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x108}},
        {req::OpenSocket{1, SocketKind::udp, overlapped_v4}, Outcome{.socket = 0x10c}},
        {req::PersistCreate{1, Transport::udp, PortBlock{6000, 4}, ReservationKind::persistent},
         Outcome{.block = {6000, 4}, .token = token}},
        {req::Bind{0x104, 6001}, Outcome{.port = 6001}},  // administered: free ports bind
        {req::Associate{0x108, token, IoMode::sync}, ok},
        {req::Associate{0x10c, token, IoMode::sync}, ok},
        {req::Bind{0x108, 6001}, failure(Error::wsaeaddrinuse)},
        {req::Bind{0x108, 0}, Outcome{.port = 6000}},
        {req::Bind{0x10c, 6000}, Outcome{.port = 6000}},
        {req::PersistDelete{1, Transport::udp, PortBlock{6000, 4}}, ok},
        {req::GetSockName{0x10c}, Outcome{.port = 6000}},
    });
    CHECK(models.reference().counts(Transport::udp) == PortSpaceCounts{.bound_sockets = 3});
}

TEST_CASE("next-fit resumes after the last wildcard block and wraps; bind(0) takes a free port") {
    const HostConfig config{.seed = 9,
                            .policies = Policies{.wildcard = WildcardPlacement::next_fit}};
    SideBySide models(ModelConfigs{config, config});
    const std::vector<Token> tokens = first_tokens(9, 4);
    const auto wildcard = [](Port count) {
        return req::Acquire{0x104, PortBlock{0, count}, IoMode::sync};
    };
    check_scenario(models, {
        {req::SetDynamicRange{Transport::tcp, 10000, 255}, ok},
        {req::CreateProcess{1, false, "app"}, ok},
        {req::OpenSocket{1, SocketKind::tcp, overlapped_v4}, Outcome{.socket = 0x104}},
        {req::OpenSocket{1, SocketKind::tcp, overlapped_v4}, Outcome{.socket = 0x108}},
        {wildcard(100), Outcome{.block = {10000, 100}, .token = tokens[0]}},
        {wildcard(100), Outcome{.block = {10100, 100}, .token = tokens[1]}},
        {wildcard(60), failure(decision::wildcard_exhausted)},
        {wildcard(50), Outcome{.block = {10200, 50}, .token = tokens[2]}},
        {req::Release{0x108, tokens[0], IoMode::sync}, ok},
        {wildcard(60), Outcome{.block = {10000, 60}, .token = tokens[3]}},
        {wildcard(256), failure(decision::wildcard_larger_than_range)},
        {req::Bind{0x108, 0}, Outcome{.port = 10060}},
        {req::Bind{0x108, 0}, failure(Error::wsaeinval)},
    });
}

TEST_CASE("random placement draws from the host seed and finds the only fitting start left") {
    const HostConfig placing_randomly{.seed = 9, .policies = {.wildcard = WildcardPlacement::random}};
    SideBySide models(ModelConfigs{placing_randomly, placing_randomly});
    const std::vector<Token> tokens = first_tokens(9, 3);
    Rng rng(9);
    const auto first_start = static_cast<Port>(20000 + rng.below(255 - 10 + 1));
    check_scenario(models, {
        {req::SetDynamicRange{Transport::tcp, 20000, 255}, ok},
        {req::CreateProcess{1, true, "admin"}, ok},
        {req::OpenSocket{1, SocketKind::tcp, overlapped_v4}, Outcome{.socket = 0x104}},
        {req::Acquire{0x104, PortBlock{0, 10}, IoMode::sync},
         Outcome{.block = {first_start, 10}, .token = tokens[0]}},
        {req::Release{0x104, tokens[0], IoMode::sync}, ok},
        {req::PersistCreate{1, Transport::tcp, PortBlock{20000, 254}, ReservationKind::persistent},
         Outcome{.block = {20000, 254}, .token = tokens[1]}},
        {req::Acquire{0x104, PortBlock{0, 1}, IoMode::sync},
         Outcome{.block = {20254, 1}, .token = tokens[2]}},
        {req::Acquire{0x104, PortBlock{0, 1}, IoMode::sync}, failure(decision::wildcard_exhausted)},
    });
}

TEST_CASE("a disagreement between the models is found and shrunk to the few requests behind it") {
    const Run run = run_generated(7, 300);
    REQUIRE_FALSE(run.mismatch);
    // Different seeds make different tokens: a disagreement as soon as one is drawn.
    const ModelConfigs skewed{HostConfig{.seed = 7}, HostConfig{.seed = 8}};
    const Run failing = replay(run.steps, skewed);
    REQUIRE(failing.mismatch);
    const Run minimal = shrink(failing, skewed);
    CHECK(minimal.steps.size() <= 3);
    REQUIRE(minimal.mismatch);
    CHECK(minimal.mismatch->step == minimal.steps.size() - 1);
    // The shrunk list is what was served: it fails as written, without renaming.
    std::vector<Step> as_written;
    for (const Step& step : minimal.steps) as_written.push_back(Step{step.request, Outcome{}});
    CHECK(replay(as_written, skewed).mismatch);
    CHECK_FALSE(replay(as_written, same_configs(7)).mismatch);
    const std::string report = failure_report(skewed, failing);
    CHECK(report.find("seed 7 (reference seed 8)") != std::string::npos);
    CHECK(report.find("  1. ") != std::string::npos);
}

TEST_CASE("the fast model agrees with the reference on 120,000 generated requests over 200 seeds") {
    constexpr std::uint64_t seeds = 200;
    constexpr std::size_t requests_per_seed = 600;
    std::set<std::pair<std::size_t, Error>> reached;  // (request kind, outcome error)
    for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        INFO("seed " << seed);  // named even if the fast model crashes
        const Run run = run_generated(seed, requests_per_seed);
        if (run.mismatch) FAIL(failure_report(same_configs(seed), run));
        for (const Step& step : run.steps)
            reached.emplace(step.request.index(), step.outcome.error);
    }

    // The generator must reach every outcome of every request, or the agreement means little.
    const std::vector<std::pair<Request, std::vector<Error>>> wanted{
        {req::SetDynamicRange{}, {Error::ok, Error::invalid_parameter}},
        {req::SetPolicies{}, {Error::ok}},
        {req::CreateProcess{}, {Error::ok, Error::already_exists, Error::invalid_parameter}},
        {req::ExitProcess{}, {Error::ok, Error::invalid_parameter}},
        {req::OpenSocket{}, {Error::ok, Error::invalid_parameter}},
        {req::CloseSocket{}, {Error::ok, Error::wsaenotsock}},
        {req::Bind{}, {Error::ok, Error::wsaenotsock, Error::wsaeopnotsupp, Error::wsaeinval,
                       Error::wsaenobufs, Error::wsaeacces, Error::wsaeaddrinuse}},
        {req::GetSockName{}, {Error::ok, Error::wsaenotsock, Error::wsaeinval}},
        {req::Acquire{}, {Error::ok, Error::io_pending, Error::wsaenotsock, Error::wsaeopnotsupp,
                          Error::wsaeinval, Error::wsaeaddrinuse, Error::wsaenobufs}},
        {req::Associate{}, {Error::ok, Error::io_pending, Error::wsaenotsock, Error::wsaeopnotsupp,
                            Error::wsaeinval, Error::wsaeacces}},
        {req::Release{}, {Error::ok, Error::io_pending, Error::wsaenotsock, Error::wsaeopnotsupp,
                          Error::wsaeinval}},
        {req::AdvanceClock{}, {Error::ok, Error::invalid_parameter}},
        {req::Wait{}, {Error::ok, Error::invalid_parameter, Error::operation_aborted,
                       Error::wsaeinval, Error::wsaeaddrinuse, Error::wsaenobufs,
                       Error::wsaeacces}},
        {req::PersistCreate{}, {Error::ok, Error::access_denied, Error::invalid_parameter,
                                Error::sharing_violation}},
        {req::PersistDelete{}, {Error::ok, Error::access_denied, Error::invalid_parameter,
                                Error::not_found}},
        {req::PersistLookup{}, {Error::ok, Error::invalid_parameter, Error::not_found}},
        {req::Reboot{}, {Error::ok}},
    };
    for (const auto& [request, errors] : wanted) {
        for (Error error : errors) {
            INFO(describe(request) << " => " << error_name(error));
            CHECK(reached.contains({request.index(), error}));
        }
    }
}
