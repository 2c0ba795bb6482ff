// Two backends side by side: two models to pin the comparison itself, then the
// model against the Linux backend on a scenario that walks the SPEC's tables.
#include <doctest/doctest.h>

#include "kernel_probe.hpp"
#include "wsrsim/divergence.hpp"
#include "wsrsim/linux_backend.hpp"

namespace wsrsim {
namespace {

constexpr Pid app = 1000;
constexpr Pid admin = 2000;

// A model backend that owns its host.
struct Model {
    Host host;
    ModelBackend backend{host};
    explicit Model(HostConfig config = {}) : host(std::move(config)) {}
};

std::vector<Request> wildcard_churn() {
    return {
        req::CreateProcess{app, false, "app"},
        req::OpenSocket{app, SocketKind::tcp, {}},
        req::Acquire{0x104, PortBlock{0, 100}, IoMode::sync},
        req::Acquire{0x104, PortBlock{0, 100}, IoMode::sync},
        req::Bind{0x104, 0},
    };
}

TEST_CASE("identical backends do not diverge") {
    Model reference;
    Model subject;
    CHECK(find_divergences(reference.backend, subject.backend, wildcard_churn()).empty());
}

TEST_CASE("a different placement diverges in blocks, not in codes") {
    Model reference({.policies = {.wildcard = WildcardPlacement::first_fit}});
    Model subject({.policies = {.wildcard = WildcardPlacement::random}});
    const std::vector<Divergence> found =
        find_divergences(reference.backend, subject.backend, wildcard_churn());
    REQUIRE(found.size() >= 1);
    CHECK(found[0].sequence == 3);
    CHECK(std::holds_alternative<req::Acquire>(found[0].request));
    CHECK(found[0].reference.block == PortBlock{49152, 100});
    CHECK_FALSE(found[0].codes_differ());
}

TEST_CASE("tokens, sockets and requests reach the subject as the subject knows them") {
    Model reference({.seed = 1});
    Model subject({.seed = 2});  // other tokens
    // The subject has a socket already, so its handles are one step ahead.
    subject.backend.apply(req::CreateProcess{9, false, "early"});
    subject.backend.apply(req::OpenSocket{9, SocketKind::tcp, {}});
    Lockstep both(reference.backend, subject.backend);

    both.apply(req::CreateProcess{app, false, "app"});
    const SocketHandle socket = both.apply(req::OpenSocket{app, SocketKind::udp, {}}).socket;
    const Outcome pending = both.apply(req::Acquire{socket, PortBlock{5000, 10}, IoMode::overlapped});
    CHECK(pending.error == Error::io_pending);
    const Token token = both.apply(req::Wait{pending.request}).token;
    const SocketHandle user = both.apply(req::OpenSocket{app, SocketKind::udp, {}}).socket;
    CHECK(both.apply(req::Associate{user, token, IoMode::sync}).ok());
    CHECK(both.apply(req::Bind{user, 0}).port == 5000);
    CHECK(both.apply(req::Release{socket, token, IoMode::sync}).ok());
    both.forget(pending.request);
    CHECK(both.requests() == 8);
    CHECK(both.divergent() == 0);
    CHECK(both.name() == "model vs model");
    CHECK(both.model() == &reference.host);
}

TEST_CASE("divergences carry the line they came from and stop being kept past the limit") {
    Model reference;
    Model subject;
    // Processes only the subject has, so requests about them diverge.
    subject.backend.apply(req::CreateProcess{app, false, "app"});
    subject.backend.apply(req::CreateProcess{admin, false, "admin"});
    Lockstep both(reference.backend, subject.backend, 1);
    both.apply(req::CreateProcess{app, false, "app"});
    both.attribute_to_line(7);
    both.apply(req::CreateProcess{app, false, "app"});  // both refuse: no divergence
    both.apply(req::ExitProcess{admin});                 // counted, not kept
    both.attribute_to_line(9);
    REQUIRE(both.divergences().size() == 1);
    const Divergence& first = both.divergences()[0];
    CHECK(first.line == 7);
    CHECK(first.sequence == 1);
    CHECK(first.reference.ok());
    CHECK(first.subject.error == Error::already_exists);
    CHECK(first.codes_differ());
    CHECK(both.requests() == 3);
    CHECK(both.divergent() == 2);
    CHECK(both.divergent_codes() == 2);
}

// ---- the model against real sockets ----

// Serves the request on both and checks the model says what the SPEC says, so
// the scenario is known to walk the row it names.
struct Scenario {
    Lockstep& both;
    Outcome expect(const Request& request, Error error) {
        const Outcome outcome = both.apply(request);
        CHECK(outcome.error == error);
        return outcome;
    }
    Outcome ok(const Request& request) { return expect(request, Error::ok); }
};

TEST_CASE("the Linux backend answers the SPEC's tables with the model's codes") {
    const auto found = testing::free_region(600);
    REQUIRE(found);
    const Port base = *found;
    const auto at = [base](int offset) { return static_cast<Port>(base + offset); };
    const HostConfig config{.seed = 7, .policies = {.wildcard = WildcardPlacement::first_fit}};
    Host host(config);
    ModelBackend model(host);
    LinuxBackend linux_backend(config);
    const std::size_t descriptors_before = testing::open_descriptors();
    Lockstep both(model, linux_backend);
    Scenario s{both};
    using enum Error;

    s.ok(req::CreateProcess{app, false, "app"});
    s.ok(req::CreateProcess{admin, true, "admin"});
    for (Transport transport : all_transports) s.ok(req::SetDynamicRange{transport, at(300), 300});
    const SocketHandle s1 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    const SocketHandle s2 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    const SocketHandle foreign = s.ok(req::OpenSocket{admin, SocketKind::tcp, {}}).socket;
    const SocketHandle u1 = s.ok(req::OpenSocket{app, SocketKind::udp, {}}).socket;
    const SocketHandle raw = s.ok(req::OpenSocket{app, SocketKind::other, {}}).socket;

    // §2
    const Token t1 = s.ok(req::Acquire{s1, PortBlock{base, 20}, IoMode::sync}).token;
    s.expect(req::Acquire{s2, PortBlock{at(10), 5}, IoMode::sync}, wsaeaddrinuse);
    s.expect(req::Acquire{raw, PortBlock{base, 1}, IoMode::sync}, wsaeopnotsupp);
    s.expect(req::Acquire{0xdead, PortBlock{base, 1}, IoMode::sync}, wsaenotsock);
    s.expect(req::Acquire{s1, PortBlock{base, 0}, IoMode::sync}, wsaeinval);
    s.expect(req::Acquire{s1, PortBlock{65535, 2}, IoMode::sync}, wsaeinval);
    s.expect(req::Acquire{s1, PortBlock{0, 301}, IoMode::sync}, wsaeinval);
    // §3 and §5
    s.ok(req::Associate{s2, t1, IoMode::sync});
    s.expect(req::Associate{s2, t1, IoMode::sync}, wsaeinval);
    CHECK(s.ok(req::Bind{s2, 0}).port == base);
    CHECK(s.ok(req::GetSockName{s2}).port == base);
    s.expect(req::Bind{foreign, at(1)}, wsaeacces);
    s.expect(req::Associate{foreign, t1, IoMode::sync}, wsaeinval);
    s.expect(req::Associate{u1, t1, IoMode::sync}, wsaeinval);
    const SocketHandle s4 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    s.ok(req::Bind{s4, at(1)});
    const SocketHandle s5 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    s.ok(req::Bind{s5, base});  // shares with s2
    // §4
    const SocketHandle s6 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    s.ok(req::Associate{s6, t1, IoMode::sync});
    s.expect(req::Release{foreign, t1, IoMode::sync}, wsaeinval);
    s.ok(req::Release{u1, t1, IoMode::sync});
    s.expect(req::Bind{s6, 0}, wsaeinval);  // its association went with the release
    s.expect(req::Bind{foreign, base}, wsaeaddrinuse);  // s2 kept its port
    // §2 wildcard, §6
    CHECK(s.ok(req::Acquire{s1, PortBlock{0, 100}, IoMode::sync}).block == PortBlock{at(300), 100});
    const Outcome pending = s.expect(req::Acquire{s1, PortBlock{0, 100}, IoMode::overlapped}, io_pending);
    CHECK(s.ok(req::Wait{pending.request}).block == PortBlock{at(400), 100});
    s.ok(req::Acquire{s1, PortBlock{0, 100}, IoMode::sync});
    s.expect(req::Acquire{s1, PortBlock{0, 100}, IoMode::sync}, wsaenobufs);
    const SocketHandle blocking = s.ok(req::OpenSocket{app, SocketKind::tcp, {.overlapped = false}}).socket;
    s.ok(req::Acquire{blocking, PortBlock{at(30), 1}, IoMode::overlapped});
    s.expect(req::Wait{999}, invalid_parameter);
    s.ok(req::AdvanceClock{100});
    s.expect(req::AdvanceClock{50}, invalid_parameter);
    // §8
    const PortBlock administered{at(50), 10};
    s.expect(req::PersistCreate{app, Transport::tcp, administered, ReservationKind::persistent}, access_denied);
    s.ok(req::PersistCreate{admin, Transport::tcp, administered, ReservationKind::persistent});
    s.expect(req::PersistCreate{admin, Transport::tcp, PortBlock{at(55), 10}, ReservationKind::persistent},
             sharing_violation);
    s.expect(req::PersistCreate{admin, Transport::tcp, PortBlock{0, 10}, ReservationKind::persistent},
             invalid_parameter);
    const Token p1 = s.ok(req::PersistLookup{app, Transport::tcp, administered}).token;
    const SocketHandle s7 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    s.expect(req::Associate{s7, p1, IoMode::sync}, wsaeacces);
    const SocketHandle s8 = s.ok(req::OpenSocket{admin, SocketKind::tcp, {}}).socket;
    s.ok(req::Associate{s8, p1, IoMode::sync});
    CHECK(s.ok(req::Bind{s8, 0}).port == at(50));
    s.ok(req::Bind{s7, at(51)});  // a free administered port binds
    const SocketHandle s9 = s.ok(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    s.expect(req::Bind{s9, at(50)}, wsaeaddrinuse);
    const SocketHandle s10 = s.ok(req::OpenSocket{admin, SocketKind::tcp, {}}).socket;
    s.ok(req::Associate{s10, p1, IoMode::sync});
    s.expect(req::Bind{s10, at(51)}, wsaeaddrinuse);  // an outsider holds it
    // §5 ephemeral: the kernel picks its own port, the only expected value divergence
    const SocketHandle u2 = s.ok(req::OpenSocket{app, SocketKind::udp, {}}).socket;
    const std::uint64_t ephemeral_bind = both.requests() + 1;
    s.ok(req::Bind{u2, 0});
    CHECK(testing::all_bound_sockets_on_loopback());
    // §9
    s.ok(req::CloseSocket{s1});
    s.expect(req::CloseSocket{s1}, wsaenotsock);
    s.ok(req::ExitProcess{app});
    s.ok(req::Reboot{});
    const Token p1_after = s.ok(req::PersistLookup{app, Transport::tcp, administered}).token;
    CHECK(p1_after != p1);
    s.expect(req::PersistDelete{admin, Transport::tcp, administered}, access_denied);
    s.ok(req::CreateProcess{admin, true, "admin"});
    s.ok(req::PersistDelete{admin, Transport::tcp, administered});
    s.expect(req::PersistDelete{admin, Transport::tcp, administered}, not_found);

    CHECK(both.divergent() == 1);
    for (const Divergence& d : both.divergences()) {
        CAPTURE(d.sequence);
        CAPTURE(error_name(d.reference.error));
        CAPTURE(error_name(d.subject.error));
        CHECK_FALSE(d.codes_differ());
        CHECK(d.sequence == ephemeral_bind);
    }
    CHECK(testing::open_descriptors() == descriptors_before);
}

}  // namespace
}  // namespace wsrsim
