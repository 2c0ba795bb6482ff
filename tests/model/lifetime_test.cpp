// Lifetimes (SPEC §1, §5, §9): what closing a socket, a process exit and a reboot
// take away, and what they leave.
#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

// ---- processes ----

TEST_CASE("a pid in use, pid 0 and an unknown pid are refused by process calls") {
    World w;
    CHECK_REFUSED(w, Error::already_exists, w.host.create_process(app, true, "again"));
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.create_process(0, false, "zero"));
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.exit_process(4242));
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.open_socket(4242, SocketKind::udp));
}

// ---- closesocket ----

TEST_CASE("closing the acquiring socket releases every reservation acquired on it") {
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle sibling = w.open();
    const Token first = w.acquired(acquirer, sample_block).token;
    const Token second = w.acquired(acquirer, wildcard(10)).token;
    const Token kept = w.acquired(sibling, PortBlock{6000, 10}).token;
    REQUIRE(w.host.close_socket(acquirer) == Error::ok);
    CHECK_FALSE(w.host.reservation_with(first).has_value());
    CHECK_FALSE(w.host.reservation_with(second).has_value());
    CHECK(w.host.reservation_with(kept).has_value());
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 10, 0});
    CHECK(w.acquired(w.open(peer), sample_block).block == sample_block);
}

TEST_CASE("closing an associated socket that did not acquire leaves the reservation") {
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle associated = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    w.associated(associated, token);
    w.bound(associated, 0);
    REQUIRE(w.host.close_socket(associated) == Error::ok);
    CHECK(w.host.reservation_with(token).has_value());
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 20, 0});
}

TEST_CASE("closing the acquiring socket leaves bound sockets bound and strips unbound associated ones") {
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle serving = w.open();
    const SocketHandle waiting = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    w.associated(serving, token);
    w.associated(waiting, token);
    w.bound(serving, 0);
    REQUIRE(w.host.close_socket(acquirer) == Error::ok);
    CHECK(w.view(serving).bound_port == 5000);
    CHECK(w.view(waiting).association_lost);
    CHECK_REFUSED(w, decision::bind_after_association_lost, w.host.bind(waiting, 0));
}

// ---- process exit ----

TEST_CASE("a process exit closes its sockets and releases its reservations, leaving other processes alone") {
    World w;
    const SocketHandle first = w.open(app);
    const SocketHandle second = w.open(app, SocketKind::tcp);
    w.acquired(first, sample_block);
    w.acquired(second, sample_block);
    w.bound(second, 7000);
    const SocketHandle survivor = w.open(peer);
    const Token peer_token = w.acquired(survivor, PortBlock{6000, 10}).token;
    w.bound(survivor, 6000);

    REQUIRE(w.host.exit_process(app) == Error::ok);
    CHECK_FALSE(w.host.process(app).has_value());
    CHECK_FALSE(w.host.socket(first).has_value());
    CHECK_FALSE(w.host.socket(second).has_value());
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{});
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 10, 1});
    CHECK(w.host.reservation_with(peer_token).has_value());
    CHECK(w.view(survivor).bound_port == 6000);
    CHECK(w.host.process(peer)->sockets == 1);
}

TEST_CASE("a process exit leaves persistent reservations in place") {
    World w;
    const Token token = w.persisted(Transport::udp, administered_block);
    const SocketHandle s = w.open(admin);
    w.associated(s, token);
    w.bound(s, 0);
    REQUIRE(w.host.exit_process(admin) == Error::ok);
    CHECK(w.host.reservation_with(token).has_value());
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 60, 0});
}

// ---- reboot ----

TEST_CASE("reboot keeps persistent reservations under new tokens and retires the old ones") {
    World w;
    const Token old_token = w.persisted(Transport::udp, administered_block);
    w.host.reboot();
    w.start_processes();

    const auto reservations = w.host.reservations(Transport::udp);
    REQUIRE(reservations.size() == 1);
    const Token new_token = reservations.front().token;
    CHECK(reservations.front().block == administered_block);
    CHECK(reservations.front().kind == ReservationKind::persistent);
    CHECK(new_token != old_token);
    CHECK(new_token != invalid_token);
    CHECK(w.host.lookup_persistent(app, Transport::udp, administered_block).token == new_token);
    CHECK_FALSE(w.host.reservation_with(old_token).has_value());

    const SocketHandle s = w.open(admin);
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(s, old_token));
    CHECK(w.host.associate(s, new_token).ok());
}

TEST_CASE("reboot drops processes, sockets, runtime reservations and store=active reservations") {
    World w;
    const SocketHandle s = w.open(app);
    const Token runtime = w.acquired(s, sample_block).token;
    w.bound(s, 5000);
    const Token active = w.persisted(Transport::udp, PortBlock{51000, 10}, ReservationKind::active);
    w.bound(w.open(peer, SocketKind::tcp), 7000);
    w.persisted(Transport::tcp, administered_block);

    w.host.reboot();
    for (Pid pid : {app, admin, peer}) CHECK_FALSE(w.host.process(pid).has_value());
    CHECK_FALSE(w.host.socket(s).has_value());
    CHECK_FALSE(w.host.reservation_with(runtime).has_value());
    CHECK_FALSE(w.host.reservation_with(active).has_value());
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{});
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{1, 60, 0});
    CHECK(w.table(Transport::udp) == netsh::show_excluded_port_range(Host{}, Transport::udp));
}

TEST_CASE("reboot drops pending overlapped requests and the records of completed ones") {
    // decisions.hpp, §9: the records go with their processes.
    World w{with_latency(100)};
    const SocketHandle s = w.open();
    const Outcome pending = w.host.acquire(s, sample_block, IoMode::overlapped);
    const Outcome done = w.host.acquire(s, PortBlock{6000, 1}, IoMode::overlapped);
    REQUIRE(w.host.wait(done.request).ok());
    w.host.reboot();
    CHECK_FALSE(w.host.request(pending.request).has_value());
    CHECK_FALSE(w.host.request(done.request).has_value());
    REQUIRE(w.host.advance_to(10'000) == Error::ok);
    CHECK(w.host.reservations(Transport::udp).empty());
}

TEST_CASE("the clock keeps running over a reboot") {
    World w;
    REQUIRE(w.host.advance_to(123'456) == Error::ok);
    w.host.reboot();
    CHECK(w.host.now() == 123'456);
    CHECK(w.host.advance_to(123'455) == Error::invalid_parameter);
    CHECK(w.host.advance_to(200'000) == Error::ok);
}

TEST_CASE("reboot keeps the dynamic ranges, the policies and the seed") {
    const Policies policies{.wildcard = WildcardPlacement::next_fit,
                            .ephemeral = EphemeralPolicy::random,
                            .latency = 7};
    World w{HostConfig{.seed = 99, .policies = policies}};
    w.use_dynamic_range(Transport::tcp, 10000, 1000);
    w.host.reboot();
    CHECK(w.host.dynamic_range(Transport::tcp) == DynamicRange{10000, 1000});
    CHECK(w.host.dynamic_range(Transport::udp) == DynamicRange{});
    CHECK(w.host.policies() == policies);
    CHECK(w.host.seed() == 99);
}

TEST_CASE("socket handles are not reused after a reboot") {
    World w;
    const SocketHandle before = w.open();
    w.host.reboot();
    w.start_processes();
    const SocketHandle after = w.open();
    CHECK(after != before);
    CHECK(w.host.socket(after)->pid == app);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.close_socket(before));
}

TEST_CASE("after a reboot a persistent reservation keeps ephemeral ports and wildcard blocks out") {
    World w;
    w.persisted(Transport::udp, PortBlock{49152, 100});
    w.host.reboot();
    w.start_processes();
    CHECK(w.acquired(w.open(), wildcard(10)).block == PortBlock{49252, 10});
    CHECK(w.bound(w.open(), 0) == 49262);
}

TEST_CASE("peak counts keep the highest value each count reached after the state shrinks") {
    World w;
    const SocketHandle first = w.open(app, SocketKind::udp);
    const SocketHandle second = w.open(app, SocketKind::udp);
    w.acquired(first, sample_block);
    const Outcome later = w.acquired(second, PortBlock{6000, 5});
    w.bound(w.open(app, SocketKind::udp), 7000);
    REQUIRE(w.host.release(second, later.token).ok());
    REQUIRE(w.host.close_socket(first) == Error::ok);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{0, 0, 1});
    CHECK(w.host.peak_counts(Transport::udp) == PortSpaceCounts{2, 25, 1});
    CHECK(w.host.peak_counts(Transport::tcp) == PortSpaceCounts{});
}

// ---- many at once ----

// The host's tables start small and grow (sim/core/hash_index.hpp): everything
// made before a table grew must still be found after it, under its own key.
TEST_CASE("processes, sockets and reservations made before the host's tables grew are still found by pid, handle and token") {
    World w;
    constexpr Pid first_pid = 10000;
    constexpr int processes = 300;
    // Pids in a pattern that must not pile up in one bucket.
    const auto pid_of = [](int i) { return first_pid + static_cast<Pid>(i) * 1024; };
    const auto block_of = [](int i) { return PortBlock{static_cast<Port>(1024 + i), 1}; };
    std::vector<std::pair<SocketHandle, Token>> made;
    for (int i = 0; i < processes; ++i) {
        REQUIRE(w.host.create_process(pid_of(i), false, "many") == Error::ok);
        const SocketHandle socket = w.open(pid_of(i));
        made.emplace_back(socket, w.acquired(socket, block_of(i)).token);
    }
    for (int i = 0; i < processes; ++i) {
        const auto [socket, token] = made[static_cast<std::size_t>(i)];
        REQUIRE(w.host.process(pid_of(i)).has_value());
        CHECK(w.host.process(pid_of(i))->sockets == 1);
        CHECK(w.view(socket).pid == pid_of(i));
        const auto reservation = w.host.reservation_with(token);
        REQUIRE(reservation.has_value());
        CHECK(reservation->block == block_of(i));
        CHECK(reservation->acquired_on == socket);
    }
    // Every second reservation released by its token; then every fourth process
    // exits, taking its reservation with its socket.
    for (int i = 0; i < processes; i += 2) {
        const auto [socket, token] = made[static_cast<std::size_t>(i)];
        CHECK(w.host.release(socket, token).ok());
    }
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{processes / 2, processes / 2, 0});
    for (int i = 1; i < processes; i += 4) CHECK(w.host.exit_process(pid_of(i)) == Error::ok);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{processes / 4, processes / 4, 0});
    for (int i = 0; i < processes; ++i) {
        CHECK(w.host.reservation_with(made[static_cast<std::size_t>(i)].second).has_value() == (i % 4 == 3));
        CHECK(w.host.process(pid_of(i)).has_value() == (i % 4 != 1));
    }
}
