// SPEC §2, SIO_ACQUIRE_PORT_RESERVATION: rows 1, 2 and 6-10 in their check order.
// Rows 3-5 (buffer sizes and pointers) belong to the Windows API layer.
#include <set>

#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

// ---- row 1: not an open socket ----

TEST_CASE("acquire on a handle that was never a socket is WSAENOTSOCK") {
    World w;
    w.open();
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.acquire(0x7777, sample_block));
}

TEST_CASE("acquire on a closed socket is WSAENOTSOCK") {
    World w;
    const SocketHandle s = w.open();
    REQUIRE(w.host.close_socket(s) == Error::ok);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.acquire(s, sample_block));
}

TEST_CASE("acquire on a closed raw socket is WSAENOTSOCK, not WSAEOPNOTSUPP") {
    World w;
    const SocketHandle raw = w.open(app, SocketKind::other);
    REQUIRE(w.host.close_socket(raw) == Error::ok);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.acquire(raw, sample_block));
}

// ---- row 2: neither TCP nor UDP ----

TEST_CASE("acquire on a raw socket is WSAEOPNOTSUPP") {
    World w;
    const SocketHandle raw = w.open(app, SocketKind::other);
    CHECK_REFUSED(w, Error::wsaeopnotsupp, w.host.acquire(raw, sample_block));
    CHECK_REFUSED(w, Error::wsaeopnotsupp, w.host.acquire(raw, wildcard(20)));
}

TEST_CASE("acquire of an empty block on a raw socket is WSAEOPNOTSUPP, not WSAEINVAL") {
    World w;
    const SocketHandle raw = w.open(app, SocketKind::other);
    CHECK_REFUSED(w, Error::wsaeopnotsupp, w.host.acquire(raw, PortBlock{5000, 0}));
}

// ---- row 6: empty block or past 65535 ----

TEST_CASE("acquire of an empty specific block is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::acquire_bad_block, w.host.acquire(s, PortBlock{5000, 0}));
    CHECK(decision::acquire_bad_block == Error::wsaeinval);
}

TEST_CASE("acquire of an empty wildcard block is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::acquire_bad_block, w.host.acquire(s, wildcard(0)));
}

TEST_CASE("acquire of a block running past port 65535 is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::acquire_bad_block, w.host.acquire(s, PortBlock{65535, 2}));
    CHECK_REFUSED(w, decision::acquire_bad_block, w.host.acquire(s, PortBlock{65517, 20}));
    CHECK_REFUSED(w, decision::acquire_bad_block, w.host.acquire(s, PortBlock{2, 65535}));
}

TEST_CASE("a specific block ending exactly at port 65535 is reserved") {
    World w;
    const SocketHandle s = w.open();
    CHECK(w.acquired(s, PortBlock{65516, 20}).block == PortBlock{65516, 20});
}

TEST_CASE("a block running past 65535 over a reserved port is WSAEINVAL, not WSAEADDRINUSE") {
    World w;
    w.acquired(w.open(peer), PortBlock{65530, 6});
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::acquire_bad_block, w.host.acquire(s, PortBlock{65530, 10}));
}

// ---- row 7: a specific block touching a reserved or bound port ----

TEST_CASE("a specific block overlapping another process's reservation is WSAEADDRINUSE") {
    World w;
    w.acquired(w.open(peer), PortBlock{5010, 20});  // 5010-5029
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, PortBlock{4991, 20}));
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, PortBlock{5029, 20}));
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, PortBlock{5015, 1}));
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, PortBlock{5000, 100}));
    CHECK(decision::acquire_block_taken == Error::wsaeaddrinuse);
}

TEST_CASE("a specific block overlapping the caller's own reservation is WSAEADDRINUSE") {
    World w;
    const SocketHandle s = w.open();
    w.acquired(s, sample_block);
    const SocketHandle sibling = w.open();
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, sample_block));
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(sibling, PortBlock{5019, 2}));
}

TEST_CASE("a specific block overlapping a persistent reservation is WSAEADDRINUSE") {
    World w;
    w.persisted(Transport::udp, PortBlock{50000, 60});
    const SocketHandle s = w.open(admin);
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, PortBlock{50059, 5}));
}

TEST_CASE("a specific block containing a port bound by any socket is WSAEADDRINUSE") {
    World w;
    const SocketHandle s = w.open();
    w.bound(w.open(peer), 5019);
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, sample_block));
    w.bound(s, 4000);  // the acquiring socket's own port counts too
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(s, PortBlock{3990, 20}));
    CHECK(w.acquired(s, PortBlock{5000, 19}).block == PortBlock{5000, 19});
}

TEST_CASE("a specific block touching reservations on both sides without overlapping is reserved") {
    World w;
    const SocketHandle s = w.open();
    w.acquired(w.open(peer), PortBlock{4990, 10});
    w.acquired(w.open(peer), PortBlock{5020, 10});
    CHECK(w.acquired(s, sample_block).block == sample_block);
}

TEST_CASE("an IPv6 socket's block conflicts with an IPv4 socket's block of the same transport") {
    World w;
    w.acquired(w.open(app, SocketKind::udp, {.family = Family::v4}), sample_block);
    const SocketHandle v6 = w.open(app, SocketKind::udp, {.family = Family::v6});
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(v6, sample_block));
}

TEST_CASE("a TCP socket reserves in the TCP port space only") {
    World w;
    const Outcome tcp = w.acquired(w.open(app, SocketKind::tcp), sample_block);
    CHECK(w.host.reservation_with(tcp.token)->transport == Transport::tcp);
    CHECK(w.host.reservations(Transport::udp).empty());
    CHECK(w.acquired(w.open(app, SocketKind::udp), sample_block).block == sample_block);
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{1, 20, 0});
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 20, 0});
}

// ---- row 8: a wildcard block larger than the dynamic range ----

TEST_CASE("a wildcard acquire larger than the dynamic range is WSAEINVAL even when the range is full") {
    World w;
    w.use_dynamic_range(Transport::udp, 50000, 255);
    const SocketHandle s = w.open();
    w.acquired(s, wildcard(255));
    CHECK_REFUSED(w, decision::wildcard_larger_than_range, w.host.acquire(s, wildcard(256)));
    CHECK(decision::wildcard_larger_than_range == Error::wsaeinval);
}

TEST_CASE("a wildcard acquire larger than the default dynamic range is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::wildcard_larger_than_range, w.host.acquire(s, wildcard(16385)));
}

TEST_CASE("a wildcard acquire of exactly the dynamic range's size takes the whole range") {
    World w;
    const Outcome whole = w.acquired(w.open(), wildcard(16384));
    CHECK(whole.block == PortBlock{49152, 16384});
}

// ---- row 9: no free run long enough ----

TEST_CASE("a wildcard acquire with no free run long enough is WSAENOBUFS although enough ports are free") {
    World w;
    w.use_dynamic_range(Transport::udp, 50000, 300);  // 50000-50299
    w.acquired(w.open(peer), PortBlock{50100, 1});
    w.acquired(w.open(peer), PortBlock{50200, 1});
    const SocketHandle s = w.open();  // longest free run: 50000-50099
    CHECK_REFUSED(w, decision::wildcard_exhausted, w.host.acquire(s, wildcard(101)));
    CHECK(w.acquired(s, wildcard(100)).block == PortBlock{50000, 100});
    CHECK(decision::wildcard_exhausted == Error::wsaenobufs);
}

TEST_CASE("a port bound inside the dynamic range splits its free runs for wildcard blocks") {
    World w;
    w.use_dynamic_range(Transport::udp, 50000, 300);
    w.bound(w.open(peer), 50150);
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::wildcard_exhausted, w.host.acquire(s, wildcard(151)));
    CHECK(w.acquired(s, wildcard(150)).block == PortBlock{50000, 150});
}

TEST_CASE("a wildcard acquire on a full dynamic range is WSAENOBUFS") {
    World w;
    w.use_dynamic_range(Transport::udp, 50000, 255);
    w.acquired(w.open(peer), wildcard(255));
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::wildcard_exhausted, w.host.acquire(s, wildcard(1)));
}

TEST_CASE("a released block in the dynamic range gives back only the ports no socket is bound to") {
    World w;
    w.use_dynamic_range(Transport::udp, 50000, 300);
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, wildcard(300)).token;
    w.bound(w.open(), 50000);
    w.bound(w.open(), 50000);  // shared with the first
    w.bound(w.open(), 50002);
    REQUIRE(w.host.release(acquirer, token).ok());
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::wildcard_exhausted, w.host.acquire(s, wildcard(298)));
    CHECK(w.acquired(s, wildcard(297)).block == PortBlock{50003, 297});
    CHECK(w.bound(w.open(peer), 0) == 50001);
}

// ---- row 10: success ----

TEST_CASE("a successful acquire reserves the block for the calling process on the acquiring socket") {
    World w;
    const SocketHandle s = w.open();
    const Outcome acquired = w.acquired(s, sample_block);
    CHECK(acquired.block == sample_block);
    CHECK(acquired.token != invalid_token);
    const auto reservation = w.host.reservation_with(acquired.token);
    REQUIRE(reservation.has_value());
    CHECK(*reservation == ReservationView{Transport::udp, sample_block, acquired.token,
                                          ReservationKind::runtime, app, s});
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 20, 0});
    CHECK(w.view(s).associated_with == invalid_token);  // acquiring does not associate
}

TEST_CASE("a specific block may lie outside the dynamic range or inside it") {
    World w;
    const SocketHandle s = w.open();
    CHECK(w.acquired(s, PortBlock{1, 10}).block == PortBlock{1, 10});
    CHECK(w.acquired(s, PortBlock{60000, 10}).block == PortBlock{60000, 10});
}

TEST_CASE("a wildcard block lies inside the dynamic range and skips reserved and bound ports") {
    World w;
    w.acquired(w.open(peer), PortBlock{49152, 10});  // 49152-49161
    w.bound(w.open(peer), 49170);                    // leaves 49162-49169: 8 ports
    const Outcome placed = w.acquired(w.open(), wildcard(20));
    CHECK(placed.block == PortBlock{49171, 20});
}

TEST_CASE("a socket may hold several reservations") {
    World w;
    const SocketHandle s = w.open();
    const std::set<Token> tokens{w.acquired(s, sample_block).token,
                                 w.acquired(s, PortBlock{6000, 5}).token,
                                 w.acquired(s, wildcard(3)).token};
    CHECK(tokens.size() == 3);
    for (const ReservationView& r : w.host.reservations(Transport::udp)) CHECK(r.acquired_on == s);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{3, 28, 0});
}
