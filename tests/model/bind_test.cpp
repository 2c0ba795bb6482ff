// SPEC §5: bind, getsockname and closesocket, every row of the bind table in its
// order, and the sockets of a reservation sharing its ports.
#include <algorithm>
#include <vector>

#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

// ---- before the table: handles and port spaces ----

TEST_CASE("bind on a handle that is not an open socket is WSAENOTSOCK") {
    World w;
    const SocketHandle closed = w.open();
    REQUIRE(w.host.close_socket(closed) == Error::ok);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.bind(closed, 5000));
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.bind(0x7777, 0));
}

TEST_CASE("bind on a raw socket is WSAEOPNOTSUPP") {
    World w;
    const SocketHandle raw = w.open(app, SocketKind::other);
    CHECK_REFUSED(w, decision::bind_without_port_space, w.host.bind(raw, 5000));
    CHECK_REFUSED(w, decision::bind_without_port_space, w.host.bind(raw, 0));
}

// ---- row 1: already bound ----

TEST_CASE("bind of a socket already bound is WSAEINVAL, whatever the port") {
    World w;
    w.acquired(w.open(peer), sample_block);
    const SocketHandle s = w.open();
    w.bound(s, 7000);
    CHECK_REFUSED(w, Error::wsaeinval, w.host.bind(s, 7000));
    CHECK_REFUSED(w, Error::wsaeinval, w.host.bind(s, 7001));
    CHECK_REFUSED(w, Error::wsaeinval, w.host.bind(s, 0));
    CHECK_REFUSED(w, Error::wsaeinval, w.host.bind(s, 5000));  // not WSAEACCES
}

TEST_CASE("bind(0) of a bound associated socket is WSAEINVAL, not a second port of its block") {
    World w;
    const SocketHandle s = w.open();
    w.associated(s, w.acquired(s, sample_block).token);
    w.bound(s, 0);
    CHECK_REFUSED(w, Error::wsaeinval, w.host.bind(s, 0));
    CHECK_REFUSED(w, Error::wsaeinval, w.host.bind(s, 5001));
}

// ---- row 2: associated, port 0 ----

TEST_CASE("bind(0) of an associated socket gives the lowest port of its block no socket is bound to") {
    World w;
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    w.bound(w.open(), 5001);  // an own-process socket, bound without association
    for (Port expected : {5000, 5002, 5003}) {
        const SocketHandle s = w.open();
        w.associated(s, token);
        CHECK(w.bound(s, 0) == expected);
    }
}

TEST_CASE("bind(0) of an associated socket passes over a port several sockets share") {
    World w;
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    for (Port port : {5000, 5000, 5000, 5001}) {
        const SocketHandle s = w.open();
        w.associated(s, token);
        REQUIRE(w.bound(s, port) == port);
    }
    const SocketHandle late = w.open();
    w.associated(late, token);
    CHECK(w.bound(late, 0) == 5002);
}

TEST_CASE("bind(0) of an associated socket whose block is fully bound is WSAENOBUFS") {
    World w;
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, PortBlock{5000, 2}).token;
    w.bound(w.open(), 5000);
    w.bound(w.open(), 5001);
    const SocketHandle late = w.open();
    w.associated(late, token);
    CHECK_REFUSED(w, decision::associated_bind_exhausted, w.host.bind(late, 0));
    CHECK(decision::associated_bind_exhausted == Error::wsaenobufs);
}

// ---- row 3: associated, a port inside its reservation ----

TEST_CASE("associated sockets of one process share an explicitly bound port of their reservation") {
    World w;
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    std::vector<SocketHandle> workers;
    for (int i = 0; i < 4; ++i) {
        workers.push_back(w.open());
        w.associated(workers.back(), token);
        CHECK(w.bound(workers.back(), 5007) == 5007);
    }
    for (SocketHandle s : workers) CHECK(w.view(s).bound_port == 5007);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 20, 4});
}

TEST_CASE("associated and unassociated sockets of the owning process share a port of its runtime reservation") {
    World w;
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, sample_block).token;
    const SocketHandle associated = w.open();
    w.associated(associated, token);
    CHECK(w.bound(acquirer, 5005) == 5005);  // the acquiring socket, not associated
    CHECK(w.bound(associated, 5005) == 5005);
    CHECK(w.bound(w.open(), 5005) == 5005);  // another unassociated socket of the process
    CHECK(w.host.counts(Transport::udp).bound_sockets == 3);
}

TEST_CASE("associated sockets of two elevated processes share a port of a persistent reservation") {
    World w;
    REQUIRE(w.host.create_process(4000, true, "second admin") == Error::ok);
    const Token token = w.persisted(Transport::udp, administered_block);
    const SocketHandle first = w.open(admin);
    const SocketHandle second = w.open(4000);
    w.associated(first, token);
    w.associated(second, token);
    CHECK(w.bound(first, 50010) == 50010);
    CHECK(w.bound(second, 50010) == 50010);
}

TEST_CASE("an unassociated socket already on a port of a persistent reservation keeps associated sockets off it") {
    World w;
    const Token token = w.persisted(Transport::udp, administered_block);
    w.bound(w.open(peer), 50000);
    const SocketHandle associated = w.open(admin);
    w.associated(associated, token);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(associated, 50000));
    CHECK(w.bound(associated, 0) == 50001);  // bind(0) passes over the outsider's port
}

TEST_CASE("an unassociated socket of the same elevated process does not share a persistent port with an associated one") {
    // The sockets of a persistent reservation are only those associated with it,
    // whichever of the two binds first.
    World w;
    const Token token = w.persisted(Transport::udp, administered_block);
    const SocketHandle associated = w.open(admin);
    const SocketHandle plain = w.open(admin);
    w.associated(associated, token);
    w.bound(associated, 50000);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(plain, 50000));
    w.bound(plain, 50001);
    const SocketHandle late = w.open(admin);
    w.associated(late, token);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(late, 50001));
}

// ---- row 4: not associated, port 0 ----

TEST_CASE("bind(0) of an unassociated socket takes a dynamic port that is neither reserved nor bound") {
    World w;
    w.acquired(w.open(peer), PortBlock{49152, 10});  // 49152-49161
    w.bound(w.open(peer), 49162);
    CHECK(w.bound(w.open(), 0) == 49163);
}

TEST_CASE("bind(0) never hands out a port of the process's own reservation") {
    World w;
    const SocketHandle s = w.open();
    w.acquired(s, PortBlock{49152, 10});
    CHECK(w.bound(s, 0) == 49162);
}

TEST_CASE("bind(0) of an unassociated socket is WSAENOBUFS when every dynamic port is taken") {
    World w;
    w.use_dynamic_range(Transport::udp, 50000, 300);
    const SocketHandle s = w.open();
    w.acquired(s, PortBlock{50000, 299});
    w.bound(w.open(peer), 50299);
    CHECK_REFUSED(w, Error::wsaenobufs, w.host.bind(s, 0));
}

// ---- rows 5 and 6: a port of a runtime reservation, not associated ----

TEST_CASE("a socket of the owning process binds a port of its runtime reservation without associating") {
    World w;
    const SocketHandle acquirer = w.open();
    w.acquired(acquirer, sample_block);
    const SocketHandle s = w.open();
    CHECK(w.bound(s, 5019) == 5019);
    CHECK(w.view(s).associated_with == invalid_token);
}

TEST_CASE("a socket of another process binding a port of a runtime reservation is WSAEACCES") {
    World w;
    w.acquired(w.open(app), sample_block);
    const SocketHandle outsider = w.open(peer);
    const SocketHandle elevated = w.open(admin);
    CHECK_REFUSED(w, Error::wsaeacces, w.host.bind(outsider, 5000));
    CHECK_REFUSED(w, Error::wsaeacces, w.host.bind(outsider, 5019));
    CHECK_REFUSED(w, Error::wsaeacces, w.host.bind(elevated, 5010));
    CHECK(w.bound(outsider, 5020) == 5020);  // just past the block
}

TEST_CASE("a socket of another process binding a bound port of a runtime reservation is WSAEACCES, not WSAEADDRINUSE") {
    World w;
    const SocketHandle acquirer = w.open(app);
    w.acquired(acquirer, sample_block);
    w.bound(acquirer, 5000);
    const SocketHandle outsider = w.open(peer);
    CHECK_REFUSED(w, Error::wsaeacces, w.host.bind(outsider, 5000));
}

TEST_CASE("an associated socket binding a port outside its block is treated as unassociated") {
    // decisions.hpp, §5: the rows after "P inside its reservation" apply.
    World w;
    const SocketHandle s = w.open(app);
    w.associated(s, w.acquired(s, sample_block).token);
    w.acquired(w.open(peer), PortBlock{6000, 10});
    CHECK_REFUSED(w, Error::wsaeacces, w.host.bind(s, 6000));
    CHECK(w.bound(s, 7000) == 7000);
}

// ---- row 7: a port of a persistent reservation, not associated ----

TEST_CASE("an unassociated socket of an ordinary process binds a free port of a persistent reservation") {
    World w;
    w.persisted(Transport::udp, administered_block);
    const SocketHandle s = w.open(peer);
    CHECK(w.bound(s, 50005) == 50005);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 60, 1});
}

TEST_CASE("a second unassociated socket on a bound port of a persistent reservation is WSAEADDRINUSE") {
    World w;
    w.persisted(Transport::udp, administered_block);
    w.bound(w.open(peer), 50005);
    const SocketHandle s = w.open(peer);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(s, 50005));
}

// ---- rows 8 and 9: an ordinary port ----

TEST_CASE("binding a port another socket is bound to is WSAEADDRINUSE, whatever the process") {
    World w;
    w.bound(w.open(peer), 7000);
    const SocketHandle own = w.open(peer);
    const SocketHandle foreign = w.open(app);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(own, 7000));
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(foreign, 7000));
}

TEST_CASE("IPv4 and IPv6 sockets of one transport conflict on a port") {
    World w;
    w.bound(w.open(app, SocketKind::tcp, {.family = Family::v4}), 7000);
    const SocketHandle v6 = w.open(app, SocketKind::tcp, {.family = Family::v6});
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(v6, 7000));
}

TEST_CASE("a TCP socket and a UDP socket bind the same port") {
    World w;
    CHECK(w.bound(w.open(app, SocketKind::tcp), 7000) == 7000);
    CHECK(w.bound(w.open(app, SocketKind::udp), 7000) == 7000);
    CHECK(w.host.counts(Transport::tcp) == PortSpaceCounts{0, 0, 1});
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{0, 0, 1});
}

TEST_CASE("a UDP reservation does not keep a TCP socket off its ports") {
    World w;
    w.acquired(w.open(app, SocketKind::udp), sample_block);
    CHECK(w.bound(w.open(peer, SocketKind::tcp), 5000) == 5000);
}

TEST_CASE("binding a free port outside every reservation succeeds and getsockname reports it") {
    World w;
    const SocketHandle s = w.open();
    CHECK(w.host.bind(s, 7000) == Outcome{.port = 7000});
    CHECK(w.host.getsockname(s) == Outcome{.port = 7000});
    CHECK(w.view(s).bound_port == 7000);
}

// ---- getsockname and closesocket ----

TEST_CASE("getsockname of an unbound socket is WSAEINVAL and of a closed one WSAENOTSOCK") {
    World w;
    const SocketHandle s = w.open();
    CHECK_REFUSED(w, decision::getsockname_unbound, w.host.getsockname(s));
    REQUIRE(w.host.close_socket(s) == Error::ok);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.getsockname(s));
}

TEST_CASE("closing a socket frees its port for any other socket") {
    World w;
    const SocketHandle s = w.open(app);
    w.bound(s, 7000);
    CHECK(w.host.close_socket(s) == Error::ok);
    CHECK_FALSE(w.host.socket(s).has_value());
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{});
    CHECK(w.bound(w.open(peer), 7000) == 7000);
}

TEST_CASE("a port shared by several sockets stays taken until the last of them closes") {
    World w;
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, PortBlock{49152, 10}).token;
    const SocketHandle first = w.open();
    const SocketHandle second = w.open();
    w.bound(first, 49152);
    w.bound(second, 49152);
    REQUIRE(w.host.release(acquirer, token).ok());
    REQUIRE(w.host.close_socket(first) == Error::ok);
    const SocketHandle outsider = w.open(peer);
    CHECK_REFUSED(w, Error::wsaeaddrinuse, w.host.bind(outsider, 49152));
    CHECK_REFUSED(w, decision::acquire_block_taken, w.host.acquire(outsider, PortBlock{49152, 1}));
    REQUIRE(w.host.close_socket(second) == Error::ok);
    CHECK(w.bound(outsider, 0) == 49152);
}

TEST_CASE("a reserved port stays out of bind(0)'s reach after its socket closes, and comes back with its block") {
    World w;
    w.use_dynamic_range(Transport::udp, 49212, 300);  // the block below crosses a 64-port boundary at 49216
    const SocketHandle acquirer = w.open();
    const Token token = w.acquired(acquirer, PortBlock{49212, 10}).token;
    for (const Port port : {Port{49212}, Port{49221}}) {
        const SocketHandle s = w.open();
        w.bound(s, port);
        REQUIRE(w.host.close_socket(s) == Error::ok);
    }
    CHECK(w.bound(w.open(peer), 0) == 49222);
    const SocketHandle last = w.open();
    w.bound(last, 49220);
    REQUIRE(w.host.release(acquirer, token).ok());
    REQUIRE(w.host.close_socket(last) == Error::ok);
    // Every port of the old block is free again, in one run: the whole block fits.
    CHECK(w.acquired(w.open(peer), PortBlock{49212, 10}).block == PortBlock{49212, 10});
}

TEST_CASE("closing a closed socket is WSAENOTSOCK") {
    World w;
    const SocketHandle s = w.open(app);
    REQUIRE(w.host.close_socket(s) == Error::ok);
    CHECK_REFUSED(w, Error::wsaenotsock, w.host.close_socket(s));
}

TEST_CASE("a closed socket's handle is never given to a new socket") {
    World w;
    std::vector<SocketHandle> seen;
    for (int i = 0; i < 50; ++i) {
        const SocketHandle s = w.open();
        CHECK(std::find(seen.begin(), seen.end(), s) == seen.end());
        seen.push_back(s);
        REQUIRE(w.host.close_socket(s) == Error::ok);
    }
}
