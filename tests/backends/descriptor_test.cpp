// The Linux backend leaves nothing behind: every socket it opened is closed
// after any run, error paths and descriptor exhaustion included, and every
// bound socket names 127.0.0.1.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include "kernel_probe.hpp"
#include "wsrsim/linux_backend.hpp"

namespace wsrsim {
namespace {

using testing::open_descriptors;

constexpr Pid app = 1000;
constexpr Pid admin = 2000;

// A run that touches every request kind, failures included, and leaves
// reservations, bound sockets and a persistent block live for the destructor.
void busy_run(LinuxBackend& backend, Port region) {
    backend.apply(req::CreateProcess{app, false, "app"});
    backend.apply(req::CreateProcess{admin, true, "admin"});
    backend.apply(req::SetDynamicRange{Transport::tcp, region + 100u, 255});
    const SocketHandle tcp = backend.apply(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    const SocketHandle udp = backend.apply(req::OpenSocket{app, SocketKind::udp, {}}).socket;
    const SocketHandle raw = backend.apply(req::OpenSocket{app, SocketKind::other, {}}).socket;
    const Token token = backend.apply(req::Acquire{tcp, PortBlock{region, 10}, IoMode::sync}).token;
    backend.apply(req::Acquire{tcp, PortBlock{static_cast<Port>(region + 5), 10}, IoMode::sync});  // overlaps
    backend.apply(req::Acquire{raw, PortBlock{region, 1}, IoMode::sync});
    backend.apply(req::Acquire{tcp, PortBlock{0, 100}, IoMode::overlapped});
    backend.apply(req::Acquire{tcp, PortBlock{0, 300}, IoMode::sync});  // larger than the range
    backend.apply(req::Associate{udp, token, IoMode::sync});           // wrong transport
    const SocketHandle user = backend.apply(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    backend.apply(req::Associate{user, token, IoMode::sync});
    backend.apply(req::Bind{user, 0});
    backend.apply(req::Bind{udp, 0});
    backend.apply(req::Bind{udp, 0});  // bound already
    backend.apply(req::PersistCreate{admin, Transport::udp, PortBlock{static_cast<Port>(region + 20), 5},
                                     ReservationKind::persistent});
    backend.apply(req::PersistCreate{admin, Transport::udp, PortBlock{static_cast<Port>(region + 22), 5},
                                     ReservationKind::persistent});  // overlaps
    backend.apply(req::Release{udp, 12345, IoMode::sync});
    backend.apply(req::CloseSocket{raw});
    backend.apply(req::CloseSocket{raw});
    const SocketHandle admin_socket = backend.apply(req::OpenSocket{admin, SocketKind::udp, {}}).socket;
    backend.apply(req::Bind{admin_socket, static_cast<Port>(region + 21)});
    CHECK(testing::all_bound_sockets_on_loopback());
    backend.apply(req::ExitProcess{admin});
}

TEST_CASE("every socket is closed when the backend goes, and only loopback is bound") {
    const auto region = testing::free_region(400);
    REQUIRE(region);
    const std::size_t before = open_descriptors();
    {
        LinuxBackend backend;
        busy_run(backend, *region);
        CHECK(open_descriptors() > before);
    }
    CHECK(open_descriptors() == before);
}

TEST_CASE("closing, exiting and rebooting close what they owned") {
    const auto region = testing::free_region(400);
    REQUIRE(region);
    LinuxBackend backend;
    const std::size_t before = open_descriptors();
    busy_run(backend, *region);
    backend.apply(req::Reboot{});
    // Only the persistent block's five placeholders stay.
    CHECK(open_descriptors() == before + 5);
    backend.apply(req::CreateProcess{admin, true, "admin"});
    CHECK(backend.apply(req::PersistDelete{admin, Transport::udp,
                                           PortBlock{static_cast<Port>(*region + 20), 5}})
              .ok());
    CHECK(open_descriptors() == before);
}

TEST_CASE("out of descriptors: WSAENOBUFS, and nothing leaks") {
    const auto region = testing::free_region(200);
    REQUIRE(region);
    LinuxBackend backend;
    backend.apply(req::CreateProcess{app, false, "app"});
    backend.apply(req::SetDynamicRange{Transport::tcp, *region + 100u, 255});
    const SocketHandle holder = backend.apply(req::OpenSocket{app, SocketKind::tcp, {}}).socket;
    const std::size_t before = open_descriptors();
    {
        // Room for 20 more descriptors: less than the 100 a block needs.
        const testing::DescriptorLimit limit(before + 20);
        CHECK(backend.apply(req::Acquire{holder, PortBlock{*region, 100}, IoMode::sync}).error ==
              Error::wsaenobufs);
        CHECK(open_descriptors() == before);
        CHECK(backend.apply(req::Acquire{holder, PortBlock{0, 100}, IoMode::sync}).error ==
              Error::wsaenobufs);
        CHECK(open_descriptors() == before);
        const Outcome pending = backend.apply(req::Acquire{holder, PortBlock{0, 100}, IoMode::overlapped});
        CHECK(pending.error == Error::io_pending);
        CHECK(backend.apply(req::Wait{pending.request}).error == Error::wsaenobufs);
        CHECK(open_descriptors() == before);

        std::vector<SocketHandle> opened;
        Outcome last;
        for (int attempt = 0; attempt < 100; ++attempt) {
            last = backend.apply(req::OpenSocket{app, SocketKind::udp, {}});
            if (!last.ok()) break;
            opened.push_back(last.socket);
        }
        CHECK(last.error == Error::wsaenobufs);
        for (SocketHandle socket : opened) backend.apply(req::CloseSocket{socket});
        CHECK(open_descriptors() == before);
    }
    // With descriptors back, the same block can be had.
    CHECK(backend.apply(req::Acquire{holder, PortBlock{*region, 100}, IoMode::sync}).ok());
    CHECK(open_descriptors() == before + 100);
}

TEST_CASE("raise_descriptor_limit lifts the soft limit to the hard one") {
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    const testing::DescriptorLimit lowered(256);
    CHECK(raise_descriptor_limit() == limit.rlim_max);
}

}  // namespace
}  // namespace wsrsim
