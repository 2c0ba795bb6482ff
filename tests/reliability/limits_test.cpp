// Caps on what a host holds (HostLimits) and on a trace line's length: each is
// refused with the code decisions.hpp names, and a refusal changes nothing.
#include <doctest/doctest.h>

#include <sstream>

#include "wsrsim/decisions.hpp"
#include "wsrsim/netsh.hpp"
#include "wsrsim/replay.hpp"

using namespace wsrsim;

namespace {

Host capped(HostLimits limits) {
    Host host{HostConfig{.limits = limits}};
    REQUIRE(host.create_process(1000, true, "app") == Error::ok);
    return host;
}

std::string tables(const Host& host) {
    return netsh::show_excluded_port_range(host, Transport::tcp) +
           netsh::show_excluded_port_range(host, Transport::udp);
}

}  // namespace

TEST_CASE("a socket past the socket cap is WSAEMFILE, and closing one makes room") {
    Host host = capped(HostLimits{.sockets = 2});
    const SocketHandle first = host.open_socket(1000, SocketKind::tcp).socket;
    REQUIRE(host.open_socket(1000, SocketKind::udp).ok());
    const Outcome refused = host.open_socket(1000, SocketKind::tcp);
    CHECK(refused.error == decision::socket_cap);
    CHECK(refused.error == Error::wsaemfile);
    CHECK(host.process(1000)->sockets == 2);
    REQUIRE(host.close_socket(first) == Error::ok);
    CHECK(host.open_socket(1000, SocketKind::tcp).ok());
}

TEST_CASE("a process past the process cap is ERROR_NO_SYSTEM_RESOURCES") {
    Host host = capped(HostLimits{.processes = 1});
    CHECK(host.create_process(1001, false, "second") == decision::process_cap);
    CHECK_FALSE(host.process(1001).has_value());
    REQUIRE(host.exit_process(1000) == Error::ok);
    CHECK(host.create_process(1001, false, "second") == Error::ok);
}

TEST_CASE("the reservation cap counts runtime and administered blocks of both transports") {
    Host host = capped(HostLimits{.reservations = 2});
    const SocketHandle tcp = host.open_socket(1000, SocketKind::tcp).socket;
    REQUIRE(host.acquire(tcp, PortBlock{5000, 10}).ok());
    REQUIRE(host.create_persistent(1000, Transport::udp, PortBlock{6000, 10}).ok());
    const std::string before = tables(host);

    CHECK(host.acquire(tcp, PortBlock{7000, 10}).error == decision::runtime_reservation_cap);
    CHECK(host.acquire(tcp, PortBlock{0, 10}).error == decision::runtime_reservation_cap);
    CHECK(host.create_persistent(1000, Transport::tcp, PortBlock{8000, 10}).error ==
          decision::administered_reservation_cap);
    CHECK(tables(host) == before);
    CHECK(host.counts(Transport::tcp).reservations + host.counts(Transport::udp).reservations == 2);
}

TEST_CASE("the reservation cap comes after the rules of the request: a taken block is still WSAEADDRINUSE") {
    Host host = capped(HostLimits{.reservations = 1});
    const SocketHandle tcp = host.open_socket(1000, SocketKind::tcp).socket;
    REQUIRE(host.acquire(tcp, PortBlock{5000, 10}).ok());
    CHECK(host.acquire(tcp, PortBlock{5005, 10}).error == Error::wsaeaddrinuse);
    CHECK(host.acquire(tcp, PortBlock{0, 0}).error == Error::wsaeinval);
}

TEST_CASE("replay passes its limits to the host and caps a trace line's length") {
    trace::ReplayOptions options;
    options.limits.sockets = 1;
    options.longest_line = 64;
    std::istringstream capped_sockets(
        "process 1 name=a\nsocket 1 s1 tcp => ok\nsocket 1 s2 tcp => WSAEMFILE\n");
    trace::ModelHost model;
    const trace::ReplaySummary sockets = trace::replay(capped_sockets, model.factory(), options);
    CHECK_FALSE(sockets.error.has_value());
    CHECK(sockets.expectations_unmet == 0);
    CHECK(sockets.expectations_checked == 2);

    std::istringstream long_line("process 1 name=" + std::string(100, 'x') + "\nprocess 2\n");
    trace::ModelHost other;
    const trace::ReplaySummary lines = trace::replay(long_line, other.factory(), options);
    REQUIRE(lines.error.has_value());
    CHECK(lines.error->line == 1);
    CHECK(lines.error->message == "line longer than 64 bytes: not a trace?");
    REQUIRE(other.host() != nullptr);
    CHECK_FALSE(other.host()->process(1).has_value());  // stopped before serving line 1
}
