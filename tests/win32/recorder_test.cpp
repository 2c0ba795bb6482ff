// The trace lines the recorder writes for model calls (SPEC §11).
#include <doctest/doctest.h>

#include <sstream>

#include "recorder.hpp"

using namespace wsrsim;
using namespace wsrsim::win32;

namespace {

struct Recording {
    Host host{HostConfig{.seed = 3, .policies = {.latency = 500}}};
    std::ostringstream* text = nullptr;
    Recorder recorder{host, [this] {
                          auto out = std::make_unique<std::ostringstream>();
                          text = out.get();
                          return out;
                      }()};
};

}  // namespace

TEST_CASE("names, variables, async requests and the clock") {
    Recording r;
    Setup setup;
    setup.host = HostConfig{.seed = 3, .policies = {.latency = 500}};
    r.recorder.start(setup);
    REQUIRE(r.host.create_process(1000, true, "app") == Error::ok);
    r.recorder.process(1000, true, "app", Error::ok);
    const Outcome opened = r.host.open_socket(1000, SocketKind::udp);
    const SocketHandle s = opened.socket;
    r.recorder.socket(1000, SocketKind::udp, SocketOptions{}, opened);
    const SocketOptions v6{.family = Family::v6, .overlapped = false};
    r.recorder.socket(1000, SocketKind::tcp, v6, r.host.open_socket(1000, SocketKind::tcp, v6));

    const Outcome acquired = r.host.acquire(s, PortBlock{5000, 20});
    r.recorder.acquire(s, PortBlock{5000, 20}, acquired);
    r.recorder.acquire(s, PortBlock{5000, 1}, r.host.acquire(s, PortBlock{5000, 1}));
    const Outcome pending = r.host.associate(s, acquired.token, IoMode::overlapped);
    r.recorder.associate(s, acquired.token, pending);
    r.recorder.completed(pending.request, r.host.wait(pending.request));
    r.recorder.release(s, 12345, r.host.release(s, 12345));
    r.recorder.bind(s, 0, r.host.bind(s, 0));
    r.recorder.getsockname(s, r.host.getsockname(s));
    r.recorder.refused("bind " + r.recorder.socket_name(0x999), 10014);
    r.recorder.close(s, r.host.close_socket(s));

    CHECK(r.text->str() ==
          "# wsrsim trace 1\n"
          "# recorded by libwsrsim-win32\n"
          "seed 3\n"
          "policy wildcard=clustered ephemeral=sequential latency=500\n"
          "process 1000 elevated name=app\n"
          "socket 1000 s1 udp\n"
          "socket 1000 s2 tcp v6 nonoverlapped\n"
          "acquire s1 5000 20 as t1 => ok start=5000 count=20 token=" +
              std::to_string(acquired.token) +
              "\n"
              "acquire s1 5000 1 => WSAEADDRINUSE\n"
              "associate s1 $t1 async as w2 => pending\n"
              "@500 wait w2 => ok\n"
              "release s1 12345 => WSAEINVAL\n"
              "bind s1 0 => ok port=5000\n"
              "getsockname s1 => ok port=5000\n"
              "# bind 2457 => WSAEFAULT (refused by the Windows API layer, before the model)\n"
              "close s1 => ok\n");
}

TEST_CASE("persistent reservations, and a wait's token as a variable") {
    Recording r;
    REQUIRE(r.host.create_process(7, true, "admin") == Error::ok);
    const PortBlock block{50000, 60};
    const Outcome created = r.host.create_persistent(7, Transport::tcp, block);
    r.recorder.persist_create(7, Transport::tcp, block, created);
    r.recorder.persist_lookup(7, Transport::udp, block,
                              r.host.lookup_persistent(7, Transport::udp, block));
    r.recorder.persist_delete(7, Transport::tcp, block,
                              r.host.delete_persistent(7, Transport::tcp, block));

    const Outcome opened = r.host.open_socket(7, SocketKind::tcp);
    const SocketHandle s = opened.socket;
    r.recorder.socket(7, SocketKind::tcp, SocketOptions{}, opened);
    const Outcome pending = r.host.acquire(s, PortBlock{6000, 2}, IoMode::overlapped);
    r.recorder.acquire(s, PortBlock{6000, 2}, pending);
    const Outcome acquired = r.host.wait(pending.request);
    r.recorder.completed(pending.request, acquired);
    r.recorder.release(s, acquired.token, r.host.release(s, acquired.token));

    CHECK(r.text->str() == "persist-create 7 tcp 50000 60 as p1 => ok start=50000 count=60 token=" +
                               std::to_string(created.token) +
                               "\n"
                               "persist-lookup 7 udp 50000 60 => ERROR_NOT_FOUND\n"
                               "persist-delete 7 tcp 50000 60 => ok\n"
                               "socket 7 s1 tcp\n"
                               "acquire s1 6000 2 async as w2 => pending\n"
                               "@500 wait w2 => ok start=6000 count=2 token=" +
                               std::to_string(acquired.token) +
                               "\n"
                               "release s1 $w2 => ok\n");
}

TEST_CASE("without a stream nothing is written, but names are kept") {
    Host host;
    Recorder recorder(host, nullptr);
    REQUIRE(host.create_process(1, false, "x") == Error::ok);
    const Outcome opened = host.open_socket(1, SocketKind::udp);
    recorder.socket(1, SocketKind::udp, SocketOptions{}, opened);
    CHECK(recorder.socket_name(opened.socket) == "s1");
    CHECK(recorder.socket_name(opened.socket + 4) == std::to_string(opened.socket + 4));
}

TEST_CASE("a capped host's caps head the trace; a socket or process it refuses is a line expecting that") {
    Host host{HostConfig{.limits = {.processes = 1, .sockets = 1}}};
    auto out = std::make_unique<std::ostringstream>();
    std::ostringstream& text = *out;
    Recorder recorder(host, std::move(out));
    Setup setup;
    setup.host.limits = {.sockets = 1, .reservations = 2};
    recorder.start(setup);
    REQUIRE(host.create_process(1, false, "x") == Error::ok);
    for (int i = 0; i < 2; ++i)
        recorder.socket(1, SocketKind::udp, SocketOptions{}, host.open_socket(1, SocketKind::udp));
    recorder.process(2, false, "y", host.create_process(2, false, "y"));
    const std::string trace = text.str();
    CHECK(trace.find("\nseed 1\nlimits sockets=1 reservations=2\npolicy ") != std::string::npos);
    CHECK(trace.ends_with("socket 1 s1 udp\nsocket 1 s2 udp => WSAEMFILE\n"
                          "process 2 name=y => ERROR_NO_SYSTEM_RESOURCES\n"));
}
