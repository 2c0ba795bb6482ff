// The shared set-up of the model's rule-by-rule tests: a host with three
// processes, helpers for the steps a test needs to succeed before it reaches the
// rule under test, and a rendering of everything observable about the host, so
// that "a failed request changes nothing" is one string comparison.
#pragma once

#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <vector>

#include "wsrsim/decisions.hpp"
#include "wsrsim/host.hpp"
#include "wsrsim/netsh.hpp"

namespace wsrsim {

// So that doctest prints "WSAEINVAL (10022)" and "5000-5019" when a check fails.
std::ostream& operator<<(std::ostream& out, Error error);
std::ostream& operator<<(std::ostream& out, PortBlock block);

}  // namespace wsrsim

namespace wsrsim::test {

inline constexpr Pid app = 1000;    // an ordinary (not elevated) process
inline constexpr Pid admin = 2000;  // an elevated process
inline constexpr Pid peer = 3000;   // a second ordinary process

inline constexpr PortBlock wildcard(Port count) { return PortBlock{0, count}; }
inline constexpr PortBlock sample_block{5000, 20};         // the Microsoft sample's block
inline constexpr PortBlock administered_block{50000, 60};  // SPEC §9's `*` row

// First-fit placement makes wildcard blocks predictable; tests of the policies
// themselves say which one they use.
inline constexpr Policies first_fit{.wildcard = WildcardPlacement::first_fit};

inline HostConfig with_latency(Nanos latency) {
    Policies policies = first_fit;
    policies.latency = latency;
    return HostConfig{.policies = policies};
}

class World {
public:
    explicit World(HostConfig config = HostConfig{.policies = first_fit});

    Host host;

    // Creates app, admin and peer (again, after a reboot).
    void start_processes();

    // Each of these must succeed: they set the scene, they are not under test.
    SocketHandle open(Pid pid = app, SocketKind kind = SocketKind::udp, SocketOptions options = {});
    Outcome acquired(SocketHandle socket, PortBlock block);
    Token persisted(Transport transport, PortBlock block,
                    ReservationKind store = ReservationKind::persistent);
    Port bound(SocketHandle socket, Port port);
    void associated(SocketHandle socket, Token token);
    void use_dynamic_range(Transport transport, std::uint32_t start, std::uint32_t count);

    SocketView view(SocketHandle socket) const;
    std::string table(Transport transport) const {
        return netsh::show_excluded_port_range(host, transport);
    }

    // Every observable part of the host: clock, settings, processes, the sockets
    // opened through open(), reservations with their tokens, counts and netsh texts.
    std::string state() const;

private:
    std::vector<SocketHandle> sockets_;
};

inline Error error_of(const Outcome& outcome) { return outcome.error; }
inline Error error_of(Error error) { return error; }
inline Error error_of(const netsh::CommandResult& result) { return result.error; }

}  // namespace wsrsim::test

// `call` (an Outcome, an Error or a netsh result) must fail with `expected` and leave
// the host as it was. A macro so that doctest reports the caller's line.
#define CHECK_REFUSED(world, expected, call)                      \
    do {                                                          \
        const std::string state_before_refusal = (world).state(); \
        CHECK(::wsrsim::test::error_of(call) == (expected));      \
        CHECK((world).state() == state_before_refusal);           \
    } while (false)
