// SPEC §6: overlapped requests pend, complete at issue time + latency in due order,
// are decided against the state at completion, and are aborted by closing.
#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

namespace {

// Issues an overlapped acquire that must pend; gives its request id.
RequestId pending_acquire(World& w, SocketHandle socket, PortBlock block) {
    const Outcome issued = w.host.acquire(socket, block, IoMode::overlapped);
    REQUIRE(issued.error == Error::io_pending);
    REQUIRE(issued.request != 0);
    return issued.request;
}

void set_latency(World& w, Nanos latency) {
    Policies policies = w.host.policies();
    policies.latency = latency;
    w.host.set_policies(policies);
}

}  // namespace

TEST_CASE("an overlapped acquire is WSA_IO_PENDING and reserves nothing before its completion time") {
    World w{with_latency(100)};
    const SocketHandle s = w.open();
    const std::string idle = w.state();
    const Outcome issued = w.host.acquire(s, sample_block, IoMode::overlapped);
    CHECK(issued.error == Error::io_pending);
    CHECK(issued.token == invalid_token);
    CHECK(w.state() == idle);

    const auto state = w.host.request(issued.request);
    REQUIRE(state.has_value());
    CHECK_FALSE(state->done);
    CHECK(state->completes_at == 100);

    REQUIRE(w.host.advance_to(99) == Error::ok);
    CHECK_FALSE(w.host.request(issued.request)->done);
    CHECK(w.host.reservations(Transport::udp).empty());

    REQUIRE(w.host.advance_to(100) == Error::ok);
    const auto completed = w.host.request(issued.request);
    CHECK(completed->done);
    CHECK(completed->outcome.block == sample_block);
    CHECK(completed->outcome.token != invalid_token);
    CHECK(w.host.reservation_with(completed->outcome.token)->acquired_on == s);
}

TEST_CASE("wait advances the clock to the request's completion and gives its outcome") {
    World w{with_latency(250)};
    const SocketHandle s = w.open();
    REQUIRE(w.host.advance_to(1000) == Error::ok);
    const RequestId id = pending_acquire(w, s, sample_block);
    const Outcome outcome = w.host.wait(id);
    CHECK(outcome.ok());
    CHECK(outcome.block == sample_block);
    CHECK(w.host.now() == 1250);
    CHECK(w.host.wait(id) == outcome);  // waiting again neither moves the clock nor changes the outcome
    CHECK(w.host.now() == 1250);
}

TEST_CASE("waiting for one request completes every request due before it, in order") {
    World w{with_latency(100)};
    const RequestId later = pending_acquire(w, w.open(app), sample_block);
    set_latency(w, 50);
    const RequestId sooner = pending_acquire(w, w.open(app), PortBlock{6000, 10});
    CHECK(w.host.wait(later).ok());
    CHECK(w.host.request(sooner)->done);
    CHECK(w.host.request(sooner)->outcome.ok());
    CHECK(w.host.now() == 100);
}

TEST_CASE("two overlapped acquires of overlapping blocks both pend and the first to complete wins") {
    World w{with_latency(100)};
    const SocketHandle early_issued = w.open(app);
    const SocketHandle late_issued = w.open(peer);
    const RequestId slow = pending_acquire(w, early_issued, sample_block);
    set_latency(w, 50);
    const RequestId fast = pending_acquire(w, late_issued, PortBlock{5010, 20});

    REQUIRE(w.host.advance_to(100) == Error::ok);
    CHECK(w.host.request(fast)->outcome.block == PortBlock{5010, 20});
    CHECK(w.host.request(slow)->outcome.error == decision::acquire_block_taken);
    const auto reservations = w.host.reservations(Transport::udp);
    REQUIRE(reservations.size() == 1);
    CHECK(reservations.front().owner == peer);
}

TEST_CASE("overlapped requests due at the same time complete in issue order") {
    World w{with_latency(100)};
    const RequestId first = pending_acquire(w, w.open(peer), sample_block);
    const RequestId second = pending_acquire(w, w.open(app), sample_block);
    CHECK(w.host.wait(second).error == decision::acquire_block_taken);
    CHECK(w.host.request(first)->outcome.ok());
    CHECK(w.host.reservations(Transport::udp).front().owner == peer);
}

TEST_CASE("an overlapped acquire fails at completion when the block was taken after it was issued") {
    World w{with_latency(100)};
    const RequestId id = pending_acquire(w, w.open(app), sample_block);
    w.bound(w.open(peer), 5010);  // synchronous, while the acquire is pending
    CHECK(w.host.wait(id).error == decision::acquire_block_taken);
    CHECK(w.host.reservations(Transport::udp).empty());
}

TEST_CASE("an overlapped acquire succeeds at completion when the block was freed after it was issued") {
    World w{with_latency(100)};
    const SocketHandle holder = w.open(peer);
    const Token held = w.acquired(holder, sample_block).token;
    const RequestId id = pending_acquire(w, w.open(app), sample_block);
    REQUIRE(w.host.release(holder, held).ok());
    CHECK(w.host.wait(id).block == sample_block);
}

TEST_CASE("an overlapped acquire of an empty block pends and fails with WSAEINVAL at completion") {
    World w{with_latency(100)};
    const RequestId id = pending_acquire(w, w.open(), PortBlock{5000, 0});
    CHECK_FALSE(w.host.request(id)->done);
    CHECK(w.host.wait(id).error == decision::acquire_bad_block);
}

TEST_CASE("an overlapped request on a closed or raw socket fails at once, without a request") {
    World w{with_latency(100)};
    const SocketHandle closed = w.open();
    REQUIRE(w.host.close_socket(closed) == Error::ok);
    const SocketHandle raw = w.open(app, SocketKind::other);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.acquire(closed, sample_block, IoMode::overlapped));
    CHECK_REFUSED(w, Error::wsaeopnotsupp, w.host.acquire(raw, sample_block, IoMode::overlapped));
    CHECK_REFUSED(w, Error::wsaeopnotsupp, w.host.associate(raw, 1, IoMode::overlapped));
    CHECK_REFUSED(w, Error::wsaeopnotsupp, w.host.release(raw, 1, IoMode::overlapped));
    CHECK(w.host.acquire(raw, sample_block, IoMode::overlapped).request == 0);
}

TEST_CASE("closing the socket aborts its pending request with WSA_OPERATION_ABORTED and changes nothing") {
    World w{with_latency(100)};
    const SocketHandle s = w.open();
    const SocketHandle sibling = w.open();
    const RequestId aborted = pending_acquire(w, s, sample_block);
    const RequestId survivor = pending_acquire(w, sibling, PortBlock{6000, 10});
    REQUIRE(w.host.close_socket(s) == Error::ok);

    const auto state = w.host.request(aborted);
    CHECK(state->done);
    CHECK(state->outcome == failure(Error::operation_aborted));
    CHECK(w.host.now() == 0);
    CHECK_FALSE(w.host.request(survivor)->done);

    REQUIRE(w.host.advance_to(1000) == Error::ok);
    CHECK(w.host.request(aborted)->outcome.error == Error::operation_aborted);
    CHECK(w.host.request(survivor)->outcome.ok());
    const auto reservations = w.host.reservations(Transport::udp);
    REQUIRE(reservations.size() == 1);
    CHECK(reservations.front().block == PortBlock{6000, 10});
}

TEST_CASE("a process exit aborts the pending requests of its sockets") {
    World w{with_latency(100)};
    const RequestId id = pending_acquire(w, w.open(app), sample_block);
    REQUIRE(w.host.exit_process(app) == Error::ok);
    CHECK(w.host.request(id)->outcome.error == Error::operation_aborted);
    REQUIRE(w.host.advance_to(200) == Error::ok);
    CHECK(w.host.reservations(Transport::udp).empty());
}

TEST_CASE("on a non-overlapped socket an overlapped-mode request completes synchronously") {
    World w{with_latency(100)};
    const SocketHandle s = w.open(app, SocketKind::udp, {.overlapped = false});
    const Outcome acquired = w.host.acquire(s, sample_block, IoMode::overlapped);
    CHECK(acquired.error == Error::ok);
    CHECK(acquired.request == 0);
    CHECK(acquired.block == sample_block);
    CHECK(w.host.associate(s, acquired.token, IoMode::overlapped) == Outcome{});
    CHECK(w.view(s).associated_with == acquired.token);
    CHECK(w.host.release(s, acquired.token, IoMode::overlapped) == Outcome{});
    CHECK(w.host.now() == 0);
}

TEST_CASE("a synchronous request on an overlapped socket completes at once whatever the latency") {
    World w{with_latency(100)};
    const Outcome acquired = w.host.acquire(w.open(), sample_block, IoMode::sync);
    CHECK(acquired.ok());
    CHECK(acquired.request == 0);
    CHECK(w.host.now() == 0);
}

TEST_CASE("with latency 0 an overlapped request pends and is complete before the next request") {
    World w;
    const RequestId id = pending_acquire(w, w.open(), sample_block);
    const auto state = w.host.request(id);
    CHECK(state->done);
    CHECK(state->completes_at == 0);
    CHECK(state->outcome.block == sample_block);
    CHECK(w.host.now() == 0);
    CHECK(w.host.reservations(Transport::udp).size() == 1);
}

TEST_CASE("overlapped associate and release pend and take effect at completion") {
    World w{with_latency(10)};
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, sample_block).token;

    const Outcome associating = w.host.associate(s, token, IoMode::overlapped);
    REQUIRE(associating.error == Error::io_pending);
    CHECK(w.view(s).associated_with == invalid_token);
    CHECK(w.host.wait(associating.request) == Outcome{});
    CHECK(w.view(s).associated_with == token);

    const Outcome releasing = w.host.release(s, token, IoMode::overlapped);
    REQUIRE(releasing.error == Error::io_pending);
    CHECK(w.host.reservation_with(token).has_value());
    CHECK(w.host.wait(releasing.request) == Outcome{});
    CHECK_FALSE(w.host.reservation_with(token).has_value());
    CHECK(w.host.now() == 20);
}

TEST_CASE("an overlapped associate fails at completion when the socket was bound after it was issued") {
    World w{with_latency(10)};
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, sample_block).token;
    const Outcome associating = w.host.associate(s, token, IoMode::overlapped);
    REQUIRE(associating.error == Error::io_pending);
    w.bound(s, 7000);
    CHECK(w.host.wait(associating.request).error == Error::wsaeinval);
    CHECK(w.view(s).associated_with == invalid_token);
}

// SPEC §6: rows 1-5 are argument checks; for RELEASE and ASSOCIATE row 5 is the token.
TEST_CASE("an overlapped release of token 0 fails at once without pending") {
    World w{with_latency(10)};
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(s, invalid_token, IoMode::overlapped));
}

TEST_CASE("an overlapped associate with a token that names no reservation fails at once") {
    World w{with_latency(10)};
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(s, 12345, IoMode::overlapped));
}

TEST_CASE("an overlapped release whose block goes before completion fails at completion") {
    World w{with_latency(10)};
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, sample_block).token;
    const Outcome releasing = w.host.release(s, token, IoMode::overlapped);
    REQUIRE(releasing.error == Error::io_pending);
    REQUIRE(w.host.release(s, token).ok());
    CHECK(w.host.wait(releasing.request).error == decision::release_not_releasable);
}

TEST_CASE("moving the clock backwards is ERROR_INVALID_PARAMETER") {
    World w;
    REQUIRE(w.host.advance_to(500) == Error::ok);
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.advance_to(499));
    CHECK(w.host.advance_to(500) == Error::ok);
}

TEST_CASE("waiting for a request the host does not know is ERROR_INVALID_PARAMETER") {
    World w;
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.wait(42));
    CHECK_FALSE(w.host.request(42).has_value());
}

TEST_CASE("forgetting a pending request drops its record but the request still completes") {
    World w{with_latency(100)};
    const RequestId id = pending_acquire(w, w.open(), sample_block);
    w.host.forget(id);
    CHECK_FALSE(w.host.request(id).has_value());
    REQUIRE(w.host.advance_to(200) == Error::ok);
    REQUIRE(w.host.reservations(Transport::udp).size() == 1);
    CHECK(w.host.reservations(Transport::udp)[0].block == sample_block);
    CHECK_FALSE(w.host.request(id).has_value());
}

TEST_CASE("forgetting a completed request drops its record") {
    World w{with_latency(100)};
    const RequestId id = pending_acquire(w, w.open(), sample_block);
    REQUIRE(w.host.wait(id).ok());
    w.host.forget(id);
    CHECK_FALSE(w.host.request(id).has_value());
    CHECK(w.host.wait(id).error == Error::invalid_parameter);
}
