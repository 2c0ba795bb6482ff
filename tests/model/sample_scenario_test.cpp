// Microsoft's sample (../shared/samples/acquire_port_reservation.cpp) run as
// `2 2 17 5000 20`, as calls on the model.
#include <doctest/doctest.h>

#include "wsrsim/host.hpp"
#include "wsrsim/netsh.hpp"

using namespace wsrsim;

TEST_CASE("the Microsoft sample's call sequence reserves 5000-5019 and binds port 5000") {
    Host host;
    REQUIRE(host.create_process(1000, false, "sample") == Error::ok);
    const SocketHandle sock = host.open_socket(1000, SocketKind::udp).socket;
    const SocketHandle sock_res = host.open_socket(1000, SocketKind::udp).socket;

    const Outcome acquired = host.acquire(sock, PortBlock{5000, 20});
    REQUIRE(acquired.ok());
    CHECK(acquired.block == PortBlock{5000, 20});
    CHECK(acquired.token != invalid_token);

    CHECK(host.associate(sock, acquired.token).error == Error::ok);
    const Outcome bound = host.bind(sock, 0);
    CHECK(bound.error == Error::ok);
    CHECK(bound.port == 5000);
    CHECK(host.getsockname(sock).port == 5000);

    CHECK(host.release(sock, acquired.token).error == Error::ok);
    CHECK(host.reservations(Transport::udp).empty());
    CHECK(host.socket(sock)->bound_port == 5000);  // a released block leaves bound sockets bound

    CHECK(host.close_socket(sock_res) == Error::ok);
    CHECK(host.close_socket(sock) == Error::ok);
    CHECK(host.counts(Transport::udp) == PortSpaceCounts{});
}

TEST_CASE("the netsh table lists the sample's reservation while it is held") {
    Host host;
    REQUIRE(host.create_process(1000, false, "sample") == Error::ok);
    const SocketHandle sock = host.open_socket(1000, SocketKind::udp).socket;
    REQUIRE(host.acquire(sock, PortBlock{5000, 20}).ok());
    CHECK(netsh::show_excluded_port_range(host, Transport::udp) ==
          "\nProtocol udp Port Exclusion Ranges\n\n"
          "Start Port    End Port\n"
          "----------    --------\n"
          "      5000        5019\n"
          "\n* - Administered port exclusions.\n\n");
}
