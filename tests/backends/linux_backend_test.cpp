// The Linux backend on real sockets: the kernel really holds reserved ports,
// hands them to the reservation's sockets, and answers the wildcard search.
#include <doctest/doctest.h>

#include <fstream>

#include "kernel_probe.hpp"
#include "wsrsim/linux_backend.hpp"

namespace wsrsim {
namespace {

using testing::free_region;
using testing::port_taken;

constexpr Pid app = 1000;
constexpr Pid admin = 2000;
SocketKind kind_of(Transport transport) {
    return transport == Transport::tcp ? SocketKind::tcp : SocketKind::udp;
}

struct Fixture {
    LinuxBackend backend;
    Port region = 0;  // the first of `region_size` ports free when the test started

    explicit Fixture(Port region_size = 16) {
        backend.apply(req::CreateProcess{app, false, "app"});
        backend.apply(req::CreateProcess{admin, true, "admin"});
        const auto found = free_region(region_size);
        REQUIRE_MESSAGE(found, "no ", region_size, " free loopback ports in a row");
        region = *found;
    }

    SocketHandle open(Transport transport, Pid pid = app, SocketOptions options = {}) {
        const Outcome opened = backend.apply(req::OpenSocket{pid, kind_of(transport), options});
        REQUIRE(opened.ok());
        return opened.socket;
    }
    Outcome apply(const Request& request) { return backend.apply(request); }
};

TEST_CASE("a reservation holds its ports in the kernel until it is released") {
    for (Transport transport : all_transports) {
        CAPTURE(transport_name(transport));
        Fixture f;
        const SocketHandle holder = f.open(transport);
        const Outcome reserved = f.apply(req::Acquire{holder, PortBlock{f.region, 4}, IoMode::sync});
        REQUIRE(reserved.ok());
        CHECK(reserved.block == PortBlock{f.region, 4});
        CHECK(reserved.token != invalid_token);
        for (Port port = f.region; port < f.region + 4; ++port) {
            CHECK(port_taken(transport, port, "127.0.0.1"));
            CHECK(port_taken(transport, port, "0.0.0.0"));
        }
        CHECK(f.apply(req::Release{holder, reserved.token, IoMode::sync}).ok());
        for (Port port = f.region; port < f.region + 4; ++port) CHECK_FALSE(port_taken(transport, port));
    }
}

TEST_CASE("associate and bind hand the reserved port over; release leaves the bound socket its port") {
    for (Transport transport : all_transports) {
        CAPTURE(transport_name(transport));
        Fixture f;
        const SocketHandle holder = f.open(transport);
        const Token token = f.apply(req::Acquire{holder, PortBlock{f.region, 3}, IoMode::sync}).token;
        const SocketHandle user = f.open(transport);
        REQUIRE(f.apply(req::Associate{user, token, IoMode::sync}).ok());
        CHECK(f.apply(req::Bind{user, 0}).port == f.region);
        CHECK(f.apply(req::GetSockName{user}).port == f.region);

        // Another socket of the reservation shares the port (SO_REUSEPORT), as a
        // QUIC stack's per-processor sockets do; the next bind(0) gets the next port.
        const SocketHandle sibling = f.open(transport);
        CHECK(f.apply(req::Bind{sibling, f.region}).port == f.region);
        const SocketHandle next = f.open(transport);
        REQUIRE(f.apply(req::Associate{next, token, IoMode::sync}).ok());
        CHECK(f.apply(req::Bind{next, 0}).port == f.region + 1);

        REQUIRE(f.apply(req::Release{holder, token, IoMode::sync}).ok());
        CHECK(port_taken(transport, f.region));
        CHECK(port_taken(transport, f.region + 1));
        CHECK_FALSE(port_taken(transport, f.region + 2));
        CHECK(f.apply(req::CloseSocket{user}).ok());
        CHECK(f.apply(req::CloseSocket{sibling}).ok());
        CHECK_FALSE(port_taken(transport, f.region));
    }
}

TEST_CASE("a port another program holds refuses a specific block and moves a wildcard block") {
    Fixture f;
    const testing::ForeignSocket other_program(Transport::tcp, f.region + 2);
    REQUIRE(other_program.holds());
    const SocketHandle holder = f.open(Transport::tcp);
    const std::size_t before = testing::open_descriptors();
    CHECK(f.apply(req::Acquire{holder, PortBlock{f.region, 5}, IoMode::sync}).error ==
          Error::wsaeaddrinuse);
    CHECK(testing::open_descriptors() == before);

    REQUIRE(f.apply(req::SetDynamicRange{Transport::tcp, f.region, 255}).ok());
    REQUIRE(f.apply(req::SetPolicies{Policies{.wildcard = WildcardPlacement::first_fit}}).ok());
    const Outcome wildcard = f.apply(req::Acquire{holder, PortBlock{0, 3}, IoMode::sync});
    REQUIRE(wildcard.ok());
    CHECK(wildcard.block == PortBlock{static_cast<Port>(f.region + 3), 3});
}

TEST_CASE("wildcard blocks stay inside the dynamic range until it is exhausted") {
    Fixture f(255);
    REQUIRE(f.apply(req::SetDynamicRange{Transport::udp, f.region, 255}).ok());
    const SocketHandle holder = f.open(Transport::udp);
    for (WildcardPlacement placement :
         {WildcardPlacement::first_fit, WildcardPlacement::next_fit, WildcardPlacement::random}) {
        CAPTURE(placement_name(placement));
        f.apply(req::SetPolicies{Policies{.wildcard = placement}});
        std::vector<Token> made;
        Outcome last;
        for (int attempt = 0; attempt < 4; ++attempt) {
            last = f.apply(req::Acquire{holder, PortBlock{0, 100}, IoMode::sync});
            if (!last.ok()) break;
            CHECK(last.block.start >= f.region);
            CHECK(last.block.last() <= f.region + 254u);
            made.push_back(last.token);
        }
        // 255 ports fit two blocks of 100 side by side; a random first block may
        // leave no 100 free on either side.
        CHECK(made.size() >= (placement == WildcardPlacement::random ? 1u : 2u));
        CHECK(last.error == Error::wsaenobufs);
        for (Token token : made) CHECK(f.apply(req::Release{holder, token, IoMode::sync}).ok());
    }
    CHECK(f.apply(req::Acquire{holder, PortBlock{0, 256}, IoMode::sync}).error == Error::wsaeinval);
}

// net.ipv4.ip_local_port_range, if it holds at least 1,100 ports.
std::optional<DynamicRange> kernel_range() {
    std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    if (!(file >> low >> high) || high < low + 1100) return std::nullopt;
    return DynamicRange{low, high - low + 1};
}

TEST_CASE("bind(0) takes a port from the kernel's allocator") {
    Fixture f;
    const SocketHandle socket = f.open(Transport::tcp);
    const Outcome bound = f.apply(req::Bind{socket, 0});
    REQUIRE(bound.ok());
    CHECK(bound.port != 0);
    CHECK(f.apply(req::GetSockName{socket}).port == bound.port);
    CHECK(port_taken(Transport::tcp, bound.port));
    CHECK(f.apply(req::Bind{socket, 0}).error == Error::wsaeinval);  // bound already

    // With a dynamic range inside the kernel's own, the kernel keeps to it (Linux 6.3+).
    const auto kernel = kernel_range();
    if (!kernel || !testing::kernel_narrows_ephemeral_range()) return;
    const DynamicRange wanted{kernel->start + 100, 1000};
    REQUIRE(f.apply(req::SetDynamicRange{Transport::udp, wanted.start, wanted.count}).ok());
    const SocketHandle udp = f.open(Transport::udp);
    const Outcome ephemeral = f.apply(req::Bind{udp, 0});
    REQUIRE(ephemeral.ok());
    CHECK(wanted.contains(ephemeral.port));
}

TEST_CASE("overlapped requests answer pending and are decided at issue") {
    Fixture f;
    const SocketHandle socket = f.open(Transport::tcp);
    const Outcome pending = f.apply(req::Acquire{socket, PortBlock{f.region, 2}, IoMode::overlapped});
    CHECK(pending.error == Error::io_pending);
    CHECK(pending.request == 1);
    CHECK(port_taken(Transport::tcp, f.region));  // reserved already
    const Outcome done = f.apply(req::Wait{pending.request});
    CHECK(done.ok());
    CHECK(done.block == PortBlock{f.region, 2});

    // A non-overlapped socket answers at once whatever the mode.
    const SocketHandle plain = f.open(Transport::tcp, app, SocketOptions{.overlapped = false});
    CHECK(f.apply(req::Release{plain, done.token, IoMode::overlapped}).ok());

    f.backend.forget(pending.request);
    CHECK(f.apply(req::Wait{pending.request}).error == Error::invalid_parameter);
    CHECK(f.apply(req::AdvanceClock{10}).ok());
    CHECK(f.apply(req::AdvanceClock{5}).error == Error::invalid_parameter);
}

TEST_CASE("persistent reservations hold their ports across a reboot with new tokens") {
    Fixture f;
    const PortBlock block{f.region, 3};
    CHECK(f.apply(req::PersistCreate{app, Transport::tcp, block, ReservationKind::persistent}).error ==
          Error::access_denied);
    const Outcome made = f.apply(req::PersistCreate{admin, Transport::tcp, block, ReservationKind::persistent});
    REQUIRE(made.ok());
    const Outcome active = f.apply(req::PersistCreate{admin, Transport::tcp, PortBlock{static_cast<Port>(f.region + 5), 2},
                                                      ReservationKind::active});
    REQUIRE(active.ok());
    // An explicit bind of a free administered port succeeds next to the placeholder.
    const SocketHandle socket = f.open(Transport::tcp);
    CHECK(f.apply(req::Bind{socket, f.region}).port == f.region);

    CHECK(f.apply(req::Reboot{}).ok());
    CHECK(port_taken(Transport::tcp, f.region));      // the persistent block's placeholder
    CHECK_FALSE(port_taken(Transport::tcp, f.region + 5));  // the active block went
    const Outcome looked_up = f.apply(req::PersistLookup{app, Transport::tcp, block});
    REQUIRE(looked_up.ok());
    CHECK(looked_up.token != made.token);
    f.apply(req::CreateProcess{admin, true, "admin"});
    CHECK(f.apply(req::PersistDelete{admin, Transport::tcp, block}).ok());
    CHECK(f.apply(req::PersistDelete{admin, Transport::tcp, block}).error == Error::not_found);
    CHECK_FALSE(port_taken(Transport::tcp, f.region));
}

TEST_CASE("sockets that are neither TCP nor UDP have no port space") {
    Fixture f;
    const Outcome raw = f.apply(req::OpenSocket{app, SocketKind::other, {}});
    REQUIRE(raw.ok());
    CHECK(f.apply(req::Acquire{raw.socket, PortBlock{f.region, 1}, IoMode::sync}).error ==
          Error::wsaeopnotsupp);
    CHECK(f.apply(req::Bind{raw.socket, f.region}).error == Error::wsaeopnotsupp);
    CHECK(f.apply(req::GetSockName{raw.socket}).error == Error::wsaeinval);
    CHECK(f.apply(req::OpenSocket{4242, SocketKind::tcp, {}}).error == Error::invalid_parameter);
}

}  // namespace
}  // namespace wsrsim
