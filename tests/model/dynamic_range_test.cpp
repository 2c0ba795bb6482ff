// SPEC §1: setting a transport's dynamic range, like `netsh int ipv4 set dynamicport`.
#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

TEST_CASE("the dynamic range is 49152-65535 for both transports by default") {
    const Host host;
    for (Transport transport : all_transports)
        CHECK(host.dynamic_range(transport) == DynamicRange{49152, 16384});
}

TEST_CASE("a dynamic range of at least 255 ports from port 1024 on, ending by 65535, is accepted") {
    World w;
    CHECK(w.host.set_dynamic_range(Transport::tcp, 1024, 64512) == Error::ok);
    CHECK(w.host.dynamic_range(Transport::tcp) == DynamicRange{1024, 64512});
    CHECK(w.host.set_dynamic_range(Transport::tcp, 65281, 255) == Error::ok);
    CHECK(w.host.dynamic_range(Transport::tcp) == DynamicRange{65281, 255});
}

TEST_CASE("a dynamic range starting below 1024 is ERROR_INVALID_PARAMETER and changes nothing") {
    World w;
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.set_dynamic_range(Transport::tcp, 1023, 255));
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.set_dynamic_range(Transport::tcp, 0, 16384));
}

TEST_CASE("a dynamic range of fewer than 255 ports is ERROR_INVALID_PARAMETER and changes nothing") {
    World w;
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.set_dynamic_range(Transport::udp, 49152, 254));
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.set_dynamic_range(Transport::udp, 49152, 0));
}

TEST_CASE("a dynamic range ending past 65535 is ERROR_INVALID_PARAMETER and changes nothing") {
    World w;
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.set_dynamic_range(Transport::udp, 65282, 255));
    CHECK_REFUSED(w, Error::invalid_parameter, w.host.set_dynamic_range(Transport::udp, 1024, 64513));
}

TEST_CASE("a dynamic range whose end does not fit in 32 bits is ERROR_INVALID_PARAMETER") {
    World w;
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.set_dynamic_range(Transport::udp, 0xFFFF'FFFF, 255));
    CHECK_REFUSED(w, Error::invalid_parameter,
                  w.host.set_dynamic_range(Transport::udp, 1024, 0xFFFF'FC01));
}

TEST_CASE("setting one transport's dynamic range leaves the other's alone") {
    World w;
    w.use_dynamic_range(Transport::udp, 10000, 1000);
    CHECK(w.host.dynamic_range(Transport::tcp) == DynamicRange{});
    CHECK(w.acquired(w.open(app, SocketKind::tcp), wildcard(10)).block == PortBlock{49152, 10});
}

TEST_CASE("changing the dynamic range leaves reservations and bound sockets as they are") {
    World w;
    const SocketHandle s = w.open();
    const Token token = w.acquired(s, wildcard(20)).token;  // 49152-49171
    const SocketHandle bound = w.open();
    REQUIRE(w.bound(bound, 0) == 49172);
    w.use_dynamic_range(Transport::udp, 10000, 1000);
    CHECK(w.host.reservation_with(token)->block == PortBlock{49152, 20});
    CHECK(w.view(bound).bound_port == 49172);
    CHECK(w.host.counts(Transport::udp) == PortSpaceCounts{1, 20, 1});
    // New allocations come from the new range.
    CHECK(w.acquired(s, wildcard(10)).block == PortBlock{10000, 10});
    CHECK(w.bound(w.open(), 0) == 10010);
}

TEST_CASE("a new dynamic range over existing reservations and bound ports keeps new blocks off them") {
    World w;
    w.acquired(w.open(peer), PortBlock{19995, 15});  // straddles the new range's start
    w.bound(w.open(peer), 20015);
    w.use_dynamic_range(Transport::udp, 20000, 300);
    CHECK(w.acquired(w.open(), wildcard(10)).block == PortBlock{20016, 10});  // 20010-20014 is too short
    CHECK(w.bound(w.open(), 0) == 20010);
}
