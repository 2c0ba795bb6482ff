// Isolation between processes: runtime tokens are their owner's, persistent
// reservations need elevation, and tokens cannot be guessed from each other.
#include <doctest/doctest.h>

#include <bit>
#include <set>
#include <vector>

#include "wsrsim/host.hpp"

using namespace wsrsim;

namespace {

constexpr Pid owner = 100;
constexpr Pid intruder = 200;

struct TwoProcesses {
    Host host{{.seed = 4}};
    SocketHandle owner_socket;
    SocketHandle intruder_socket;
    Token token;

    explicit TwoProcesses(bool intruder_elevated) {
        REQUIRE(host.create_process(owner, false, "owner") == Error::ok);
        REQUIRE(host.create_process(intruder, intruder_elevated, "intruder") == Error::ok);
        owner_socket = host.open_socket(owner, SocketKind::tcp).socket;
        intruder_socket = host.open_socket(intruder, SocketKind::tcp).socket;
        const Outcome acquired = host.acquire(owner_socket, {40000, 10});
        REQUIRE(acquired.ok());
        token = acquired.token;
    }
};

}  // namespace

TEST_CASE("a process can neither associate nor release another's runtime token") {
    for (const bool elevated : {false, true}) {
        CAPTURE(elevated);
        TwoProcesses world(elevated);
        CHECK(world.host.associate(world.intruder_socket, world.token).error == Error::wsaeinval);
        CHECK(world.host.release(world.intruder_socket, world.token).error == Error::wsaeinval);
        CHECK(world.host.bind(world.intruder_socket, 40003).error == Error::wsaeacces);
        // The reservation is untouched and still the owner's to use.
        CHECK(world.host.reservation_with(world.token)->owner == owner);
        CHECK(world.host.associate(world.owner_socket, world.token).ok());
        CHECK(world.host.release(world.owner_socket, world.token).ok());
    }
}

TEST_CASE("non-elevated callers cannot create or delete persistent reservations") {
    TwoProcesses world(false);
    REQUIRE(world.host.create_process(300, true, "admin") == Error::ok);
    for (const ReservationKind store : {ReservationKind::persistent, ReservationKind::active})
        CHECK(world.host.create_persistent(intruder, Transport::udp, {50000, 10}, store).error ==
              Error::access_denied);
    CHECK(world.host.create_persistent(999, Transport::udp, {50000, 10}).error == Error::access_denied);
    REQUIRE(world.host.create_persistent(300, Transport::udp, {50000, 10}).ok());
    CHECK(world.host.delete_persistent(intruder, Transport::udp, {50000, 10}) == Error::access_denied);
    CHECK(world.host.lookup_persistent(intruder, Transport::udp, {50000, 10}).ok());
    CHECK(world.host.counts(Transport::udp).reservations == 1);
}

TEST_CASE("consecutive tokens share no simple relation") {
    Host host{{.seed = 1}};
    REQUIRE(host.create_process(1, false, "app") == Error::ok);
    const SocketHandle socket = host.open_socket(1, SocketKind::udp).socket;
    std::vector<Token> tokens;
    for (int i = 0; i < 4096; ++i) {
        const Outcome acquired = host.acquire(socket, {0, 1});
        REQUIRE(acquired.ok());
        tokens.push_back(acquired.token);
        REQUIRE(host.release(socket, acquired.token).ok());
    }
    std::set<Token> differences, xors;
    std::uint64_t ones = 0;
    std::vector<std::uint64_t> ones_by_bit(64);
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        differences.insert(tokens[i] - tokens[i - 1]);
        xors.insert(tokens[i] ^ tokens[i - 1]);
        for (int bit = 0; bit < 64; ++bit) ones_by_bit[bit] += (tokens[i] >> bit) & 1;
        ones += static_cast<std::uint64_t>(std::popcount(tokens[i]));
    }
    const std::size_t pairs = tokens.size() - 1;
    CHECK(std::set<Token>(tokens.begin(), tokens.end()).size() == tokens.size());
    // No constant step, additive or bitwise: every step is new.
    CHECK(differences.size() == pairs);
    CHECK(xors.size() == pairs);
    // Half the bits set overall, and each bit set about half the time (4095 draws:
    // sigma = 32, so 0.4-0.6 is more than 6 sigma).
    CHECK(double(ones) / double(pairs * 64) == doctest::Approx(0.5).epsilon(0.01));
    for (int bit = 0; bit < 64; ++bit) {
        CAPTURE(bit);
        CHECK(ones_by_bit[bit] > pairs * 4 / 10);
        CHECK(ones_by_bit[bit] < pairs * 6 / 10);
    }
}
