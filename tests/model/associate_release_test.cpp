// SPEC §3 (SIO_ASSOCIATE_PORT_RESERVATION, rows 1, 2, 5-11) and §4
// (SIO_RELEASE_PORT_RESERVATION, rows 1, 2, 5, 6) in their check order. Row 3 and
// row 4 (buffers) belong to the Windows API layer.
#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

namespace {

constexpr Token never_issued = 0x1234'5678'9abc'def0;

}  // namespace

// ==== SIO_ASSOCIATE_PORT_RESERVATION ====

namespace {

// ASSOCIATE and RELEASE share ACQUIRE's rows 1-2 (SPEC §3, §4: "as ACQUIRE rows 1-3").
struct TokenIoctl {
    const char* name;
    Outcome (Host::*call)(SocketHandle, Token, IoMode);
};
constexpr TokenIoctl token_ioctls[] = {{"associate", &Host::associate}, {"release", &Host::release}};

}  // namespace

TEST_CASE("associate and release on a handle that is not an open socket are WSAENOTSOCK") {
    for (const TokenIoctl& ioctl : token_ioctls) {
        CAPTURE(ioctl.name);
        World w;
        const SocketHandle s = w.open();
        const Token token = w.acquired(s, sample_block).token;
        CHECK_REFUSED(w, Error::wsaenotsock, (w.host.*ioctl.call)(0x7777, token, IoMode::sync));
        const SocketHandle closed = w.open();
        REQUIRE(w.host.close_socket(closed) == Error::ok);
        CHECK_REFUSED(w, Error::wsaenotsock, (w.host.*ioctl.call)(closed, token, IoMode::sync));
    }
}

TEST_CASE("associate and release on a raw socket of the owning process are WSAEOPNOTSUPP") {
    for (const TokenIoctl& ioctl : token_ioctls) {
        CAPTURE(ioctl.name);
        World w;
        const Token token = w.acquired(w.open(), sample_block).token;
        const SocketHandle raw = w.open(app, SocketKind::other);
        CHECK_REFUSED(w, Error::wsaeopnotsupp, (w.host.*ioctl.call)(raw, token, IoMode::sync));
    }
}

TEST_CASE("associate and release of token 0 are WSAENOTSOCK on a closed raw socket and WSAEOPNOTSUPP on an open one") {
    for (const TokenIoctl& ioctl : token_ioctls) {
        CAPTURE(ioctl.name);
        World w;
        const SocketHandle raw = w.open(app, SocketKind::other);
        CHECK_REFUSED(w, Error::wsaeopnotsupp, (w.host.*ioctl.call)(raw, invalid_token, IoMode::sync));
        REQUIRE(w.host.close_socket(raw) == Error::ok);
        CHECK_REFUSED(w, Error::wsaenotsock, (w.host.*ioctl.call)(raw, invalid_token, IoMode::sync));
    }
}

TEST_CASE("associate with token 0 or a token never issued is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    w.acquired(s, sample_block);
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(s, invalid_token));
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(s, never_issued));
}

TEST_CASE("associate with the token of a released reservation is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, sample_block).token;
    REQUIRE(w.host.release(s, token).ok());
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(s, token));
}

TEST_CASE("associate with a reservation of the other transport is WSAEINVAL") {
    World w;
    const Token udp_token = w.acquired(w.open(app, SocketKind::udp), sample_block).token;
    const SocketHandle tcp = w.open(app, SocketKind::tcp);
    CHECK_REFUSED(w, decision::associate_wrong_transport, w.host.associate(tcp, udp_token));
    CHECK(decision::associate_wrong_transport == Error::wsaeinval);
}

TEST_CASE("associate of an ordinary process's TCP socket with a UDP persistent reservation is WSAEINVAL, not WSAEACCES") {
    World w;
    const Token token = w.persisted(Transport::udp, administered_block);
    const SocketHandle tcp = w.open(app, SocketKind::tcp);
    CHECK_REFUSED(w, decision::associate_wrong_transport, w.host.associate(tcp, token));
}

TEST_CASE("associate with another process's runtime reservation is WSAEINVAL, even when elevated") {
    World w;
    const Token token = w.acquired(w.open(app), sample_block).token;
    const SocketHandle outsider = w.open(peer);
    const SocketHandle elevated = w.open(admin);
    CHECK_REFUSED(w, decision::associate_foreign_runtime, w.host.associate(outsider, token));
    CHECK_REFUSED(w, decision::associate_foreign_runtime, w.host.associate(elevated, token));
    CHECK(decision::associate_foreign_runtime == Error::wsaeinval);
}

TEST_CASE("associate with an administered reservation from a process that is not elevated is WSAEACCES") {
    World w;
    const Token persistent = w.persisted(Transport::udp, administered_block);
    const Token active = w.persisted(Transport::udp, PortBlock{51000, 10}, ReservationKind::active);
    const SocketHandle s = w.open(app);
    CHECK_REFUSED(w, Error::wsaeacces, w.host.associate(s, persistent));
    CHECK_REFUSED(w, Error::wsaeacces, w.host.associate(s, active));
}

TEST_CASE("associate of a bound socket of an ordinary process with a persistent reservation is WSAEACCES, not WSAEINVAL") {
    World w;
    const Token token = w.persisted(Transport::udp, administered_block);
    const SocketHandle s = w.open(app);
    w.bound(s, 7000);
    CHECK_REFUSED(w, Error::wsaeacces, w.host.associate(s, token));
}

TEST_CASE("associate of a bound socket is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, sample_block).token;
    w.bound(s, 7000);
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(s, token));
    const SocketHandle elevated = w.open(admin);
    const Token persistent = w.persisted(Transport::udp, administered_block);
    w.bound(elevated, 7001);
    CHECK_REFUSED(w, Error::wsaeinval, w.host.associate(elevated, persistent));
}

TEST_CASE("associate of a socket already associated is WSAEINVAL, with the same token or another") {
    World w;
    const SocketHandle s = w.open();
    const Token first = w.acquired(s, sample_block).token;
    const Token second = w.acquired(s, PortBlock{6000, 10}).token;
    w.associated(s, first);
    CHECK_REFUSED(w, decision::associate_twice, w.host.associate(s, first));
    CHECK_REFUSED(w, decision::associate_twice, w.host.associate(s, second));
    CHECK(decision::associate_twice == Error::wsaeinval);
}

TEST_CASE("a socket whose reservation was released still counts as associated") {
    // decisions.hpp, §3 row 10: the stale association is permanent.
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle s = w.open();
    const Token old_token = w.acquired(acquirer, sample_block).token;
    w.associated(s, old_token);
    REQUIRE(w.host.release(acquirer, old_token).ok());
    const Token new_token = w.acquired(acquirer, sample_block).token;
    CHECK_REFUSED(w, decision::associate_twice, w.host.associate(s, new_token));
}

TEST_CASE("associate ties an unbound socket of the acquiring process to the reservation and changes nothing else") {
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle other = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    const auto reservations_before = w.host.reservations(Transport::udp);
    CHECK(w.host.associate(other, token) == Outcome{});
    CHECK(w.view(other).associated_with == token);
    CHECK_FALSE(w.view(other).association_lost);
    CHECK(w.view(acquirer).associated_with == invalid_token);
    CHECK(w.host.reservations(Transport::udp) == reservations_before);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 20, 0});
}

TEST_CASE("an elevated process associates its sockets with a persistent or active reservation") {
    World w;
    const Token persistent = w.persisted(Transport::tcp, administered_block);
    const Token active = w.persisted(Transport::tcp, PortBlock{51000, 10}, ReservationKind::active);
    const SocketHandle first = w.open(admin, SocketKind::tcp);
    const SocketHandle second = w.open(admin, SocketKind::tcp);
    CHECK(w.host.associate(first, persistent).ok());
    CHECK(w.host.associate(second, active).ok());
    CHECK(w.view(first).associated_with == persistent);
    CHECK(w.view(second).associated_with == active);
}

// ==== SIO_RELEASE_PORT_RESERVATION ====

TEST_CASE("release of token 0, a token never issued or a released token is WSAEINVAL") {
    World w;
    const SocketHandle s = w.open();
    const Token released = w.acquired(s, sample_block).token;
    REQUIRE(w.host.release(s, released).ok());
    w.acquired(s, PortBlock{6000, 10});
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(s, invalid_token));
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(s, never_issued));
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(s, released));
    CHECK(decision::release_not_releasable == Error::wsaeinval);
}

TEST_CASE("release of a persistent or active reservation's token is WSAEINVAL even for an elevated process") {
    World w;
    const Token persistent = w.persisted(Transport::udp, administered_block);
    const Token active = w.persisted(Transport::udp, PortBlock{51000, 10}, ReservationKind::active);
    const SocketHandle s = w.open(admin);
    w.associated(s, persistent);
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(s, persistent));
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(s, active));
}

TEST_CASE("release of another process's runtime reservation is WSAEINVAL, even for an elevated process") {
    World w;
    const Token token = w.acquired(w.open(app), sample_block).token;
    const SocketHandle outsider = w.open(peer);
    const SocketHandle elevated = w.open(admin);
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(outsider, token));
    CHECK_REFUSED(w, decision::release_not_releasable, w.host.release(elevated, token));
}

TEST_CASE("release frees the block and retires its token") {
    World w;
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, sample_block).token;
    CHECK(w.host.release(s, token) == Outcome{});
    CHECK(w.host.reservations(Transport::udp).empty());
    CHECK_FALSE(w.host.reservation_with(token).has_value());
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{});
    CHECK(w.acquired(w.open(peer), sample_block).token != token);
}

TEST_CASE("release may be issued on any TCP or UDP socket of the owning process") {
    // decisions.hpp, §4: RELEASE does not compare transports.
    World w;
    const SocketHandle acquirer = w.open(app, SocketKind::udp);
    const Token first = w.acquired(acquirer, sample_block).token;
    const Token second = w.acquired(acquirer, PortBlock{6000, 10}).token;
    CHECK(w.host.release(w.open(app, SocketKind::udp), first).ok());
    CHECK(w.host.release(w.open(app, SocketKind::tcp), second).ok());
    CHECK(w.host.reservations(Transport::udp).empty());
}

TEST_CASE("releasing a block leaves its bound sockets bound on what become ordinary ports") {
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle server = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    w.associated(server, token);
    REQUIRE(w.bound(server, 0) == 5000);
    REQUIRE(w.host.release(acquirer, token).ok());
    CHECK(w.view(server).bound_port == 5000);
    CHECK(w.host.getsockname(server).port == 5000);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{0, 0, 1});
    // An outsider now meets an ordinary bound port, not a reservation.
    const SocketHandle outsider = w.open(peer);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(outsider, 5000));
    CHECK(w.bound(outsider, 5001) == 5001);
}

TEST_CASE("releasing a block makes its associated unbound sockets fail bind with WSAEINVAL") {
    World w;
    const SocketHandle acquirer = w.open();
    const SocketHandle waiting = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    w.associated(waiting, token);
    REQUIRE(w.host.release(acquirer, token).ok());
    CHECK(w.view(waiting).association_lost);
    CHECK_REFUSED(w, decision::bind_after_association_lost, w.host.bind(waiting, 0));
    CHECK_REFUSED(w, decision::bind_after_association_lost, w.host.bind(waiting, 5000));
    CHECK_REFUSED(w, decision::bind_after_association_lost, w.host.bind(waiting, 7000));
    CHECK(decision::bind_after_association_lost == Error::wsaeinval);
}
