// SPEC §7 and the tokens of §1: wildcard placement, ephemeral ports and token
// draws, each seeded and deterministic.
#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "world.hpp"

using namespace wsrsim;
using namespace wsrsim::test;

namespace {

// A 300-port UDP dynamic range, 50000-50299, small enough to fill.
constexpr DynamicRange small_range{50000, 300};

World world_with(std::uint64_t seed, Policies policies) {
    World w{HostConfig{.seed = seed, .policies = policies}};
    w.use_dynamic_range(Transport::udp, small_range.start, small_range.count);
    return w;
}

World placing(WildcardPlacement placement, std::uint64_t seed = 1) {
    return world_with(seed, Policies{.wildcard = placement});
}

World ephemeral(EphemeralPolicy policy, std::uint64_t seed = 1) {
    return world_with(seed, Policies{.ephemeral = policy});
}

std::vector<Port> wildcard_starts(World& w, Port count, int blocks) {
    const SocketHandle s = w.open();
    std::vector<Port> starts;
    for (int i = 0; i < blocks; ++i) starts.push_back(w.acquired(s, wildcard(count)).block.start);
    return starts;
}

std::vector<Port> ephemeral_ports(World& w, int binds) {
    std::vector<Port> ports;
    for (int i = 0; i < binds; ++i) ports.push_back(w.bound(w.open(), 0));
    return ports;
}

std::vector<Token> acquired_tokens(World& w, int count) {
    const SocketHandle s = w.open();
    std::vector<Token> tokens;
    for (int i = 0; i < count; ++i) tokens.push_back(w.acquired(s, wildcard(1)).token);
    return tokens;
}

// What a host hands out next from its seeded sources: a wildcard block, an
// ephemeral port and a token.
struct Draws {
    PortBlock block;
    Token block_token;
    Port port;
    Token persistent_token;
    friend bool operator==(const Draws&, const Draws&) = default;
};

Draws next_draws(World& w) {
    const Outcome acquired = w.acquired(w.open(app), wildcard(10));
    const Port port = w.bound(w.open(app), 0);
    return Draws{acquired.block, acquired.token, port,
                 w.persisted(Transport::tcp, PortBlock{7000, 1})};
}

}  // namespace

TEST_CASE("the default policies are clustered placement, sequential ephemeral ports and latency 0") {
    CHECK(Host{}.policies() ==
          Policies{WildcardPlacement::clustered, EphemeralPolicy::sequential, 0});
}

// ---- first-fit ----

TEST_CASE("first-fit places a wildcard block at the lowest free run, reusing a released hole") {
    World w = placing(WildcardPlacement::first_fit);
    const SocketHandle s = w.open();
    CHECK(wildcard_starts(w, 100, 2) == std::vector<Port>{50000, 50100});
    const Token hole = w.host.reservation_covering(Transport::udp, 50000)->token;
    REQUIRE(w.host.release(s, hole).ok());
    CHECK(w.acquired(s, wildcard(60)).block.start == 50000);
    CHECK(w.acquired(s, wildcard(50)).block.start == 50200);  // 50060-50099 is too short
}

TEST_CASE("first-fit passes over a free run an acquire cut short, to the next run long enough") {
    // The free-run index keeps the longest run of each group of ports. Cutting
    // the run that was longest must bring its group's figure down with it, or
    // the search stops at that group and finds nothing there.
    World w = placing(WildcardPlacement::first_fit);
    const SocketHandle s = w.open();
    w.acquired(s, PortBlock{50000, 20});
    w.acquired(s, PortBlock{50200, 1});    // free: 50020-50199 (180 ports), 50201-50299 (99)
    w.acquired(s, PortBlock{50020, 150});  // free: 50170-50199 (30), 50201-50299 (99)
    CHECK(w.acquired(s, wildcard(50)).block.start == 50201);
    CHECK_REFUSED(w, Error::wsaenobufs, w.host.acquire(s, wildcard(50)));
}

// ---- next-fit ----

TEST_CASE("next-fit places a wildcard block after the last one even when an earlier hole fits") {
    World w = placing(WildcardPlacement::next_fit);
    const SocketHandle s = w.open();
    const Token first = w.acquired(s, wildcard(100)).token;
    CHECK(w.acquired(s, wildcard(100)).block.start == 50100);
    REQUIRE(w.host.release(s, first).ok());
    CHECK(w.acquired(s, wildcard(50)).block.start == 50200);
    CHECK(w.acquired(s, wildcard(50)).block.start == 50250);
}

TEST_CASE("next-fit resumes after the last block even when that block was released") {
    World w = placing(WildcardPlacement::next_fit);
    const SocketHandle s = w.open();
    const Token last = w.acquired(s, wildcard(10)).token;
    REQUIRE(w.host.release(s, last).ok());
    CHECK(w.acquired(s, wildcard(10)).block.start == 50010);
}

TEST_CASE("next-fit wraps to the start of the dynamic range when nothing fits after the last block") {
    World w = placing(WildcardPlacement::next_fit);
    const SocketHandle s = w.open();
    const Token first = w.acquired(s, wildcard(100)).token;
    w.acquired(s, wildcard(150));  // 50100-50249
    REQUIRE(w.host.release(s, first).ok());
    CHECK(w.acquired(s, wildcard(60)).block.start == 50000);  // 50250-50299 holds only 50
    CHECK(w.acquired(s, wildcard(40)).block.start == 50060);
    CHECK(w.acquired(s, wildcard(50)).block.start == 50250);
    CHECK_REFUSED(w, decision::wildcard_exhausted, w.host.acquire(s, wildcard(1)));
}

TEST_CASE("next-fit starts from the dynamic range's start on a fresh host and again after a reboot") {
    // decisions.hpp, §7: the cursors go back to the range's start at reboot.
    World w = placing(WildcardPlacement::next_fit);
    CHECK(wildcard_starts(w, 10, 2) == std::vector<Port>{50000, 50010});
    w.host.reboot();
    w.start_processes();
    CHECK(wildcard_starts(w, 10, 1) == std::vector<Port>{50000});
}

// ---- random ----

TEST_CASE("random placement gives the same starts for the same seed") {
    World first = placing(WildcardPlacement::random, 7);
    World second = placing(WildcardPlacement::random, 7);
    CHECK(wildcard_starts(first, 10, 8) == wildcard_starts(second, 10, 8));
}

TEST_CASE("random placement gives different starts for different seeds") {
    World first = placing(WildcardPlacement::random, 7);
    World second = placing(WildcardPlacement::random, 8);
    CHECK(wildcard_starts(first, 10, 8) != wildcard_starts(second, 10, 8));
}

TEST_CASE("random placement does not simply fill the range from its start") {
    World random = placing(WildcardPlacement::random, 3);
    World first_fit = placing(WildcardPlacement::first_fit, 3);
    CHECK(wildcard_starts(random, 10, 8) != wildcard_starts(first_fit, 10, 8));
}

TEST_CASE("random and clustered placement keep blocks inside the dynamic range, apart from each other and from bound ports, until WSAENOBUFS") {
    constexpr Port block_size = 7;
    for (WildcardPlacement placement : {WildcardPlacement::random, WildcardPlacement::clustered}) {
        CAPTURE(placement_name(placement));
        World w = placing(placement, 11);
        w.bound(w.open(peer), 50150);
        std::vector<bool> taken(small_range.count, false);
        taken[150] = true;
        const SocketHandle s = w.open();
        for (Outcome placed = w.host.acquire(s, wildcard(block_size)); placed.ok();
             placed = w.host.acquire(s, wildcard(block_size))) {
            REQUIRE(placed.block.count == block_size);
            REQUIRE(small_range.contains(placed.block.start));
            REQUIRE(small_range.contains(placed.block.last()));
            for (std::uint32_t port = placed.block.start; port <= placed.block.last(); ++port) {
                REQUIRE_FALSE(taken[port - small_range.start]);
                taken[port - small_range.start] = true;
            }
        }
        // It stopped only because no run of block_size free ports was left.
        std::size_t run = 0, longest = 0;
        for (bool port_taken : taken) longest = std::max(longest, run = port_taken ? 0 : run + 1);
        CHECK(longest < block_size);
        CHECK_REFUSED(w, decision::wildcard_exhausted, w.host.acquire(s, wildcard(block_size)));
    }
}

TEST_CASE("random placement draws uniformly over every start where the block fits") {
    // A bound port at 50150 leaves two runs: starts 50000-50050 (51) and 50151-50200 (50)
    // fit a 100-port block. A "random point, then the next fit" model would favour the
    // second run three to one.
    World w = placing(WildcardPlacement::random, 4);
    w.bound(w.open(peer), 50150);
    const SocketHandle s = w.open();
    std::map<Port, int> hits;
    constexpr int draws = 3000;
    for (int i = 0; i < draws; ++i) {
        const Outcome placed = w.acquired(s, wildcard(100));
        ++hits[placed.block.start];
        REQUIRE(w.host.release(s, placed.token).ok());
    }
    int in_first_run = 0;
    for (const auto& [start, count] : hits) {
        const bool fits = start <= 50050 || (start >= 50151 && start <= 50200);
        REQUIRE(fits);
        if (start <= 50050) in_first_run += count;
    }
    CHECK(hits.size() == 101);  // every fitting start was drawn
    CHECK(in_first_run > draws * 45 / 100);
    CHECK(in_first_run < draws * 56 / 100);
}

// ---- ephemeral ports ----

TEST_CASE("sequential ephemeral ports follow the last one given without going back to a freed one") {
    World w = ephemeral(EphemeralPolicy::sequential);
    const SocketHandle first = w.open();
    CHECK(w.bound(first, 0) == 50000);
    CHECK(ephemeral_ports(w, 1) == std::vector<Port>{50001});
    REQUIRE(w.host.close_socket(first) == Error::ok);
    CHECK(ephemeral_ports(w, 1) == std::vector<Port>{50002});
}

TEST_CASE("sequential ephemeral ports skip reserved and bound ports") {
    World w = ephemeral(EphemeralPolicy::sequential);
    w.bound(w.open(peer), 50001);
    w.acquired(w.open(peer), PortBlock{50003, 5});  // 50003-50007
    w.persisted(Transport::udp, PortBlock{50009, 1});
    CHECK(ephemeral_ports(w, 4) == std::vector<Port>{50000, 50002, 50008, 50010});
}

TEST_CASE("sequential ephemeral ports wrap to the start of the dynamic range, then run out with WSAENOBUFS") {
    World w = ephemeral(EphemeralPolicy::sequential);
    w.acquired(w.open(peer), PortBlock{50002, 296});  // leaves 50000, 50001, 50298, 50299
    const SocketHandle first = w.open();
    CHECK(w.bound(first, 0) == 50000);
    CHECK(ephemeral_ports(w, 3) == std::vector<Port>{50001, 50298, 50299});
    REQUIRE(w.host.close_socket(first) == Error::ok);
    CHECK(ephemeral_ports(w, 1) == std::vector<Port>{50000});
    const SocketHandle late = w.open();
    CHECK_REFUSED(w, Error::wsaenobufs, w.host.bind(late, 0));
}

TEST_CASE("random ephemeral ports lie in the dynamic range, avoid reserved and bound ports, and repeat with the seed") {
    World w = ephemeral(EphemeralPolicy::random, 5);
    World twin = ephemeral(EphemeralPolicy::random, 5);
    for (World* host : {&w, &twin}) host->acquired(host->open(peer), PortBlock{50000, 200});
    const std::vector<Port> ports = ephemeral_ports(w, 60);
    CHECK(ports == ephemeral_ports(twin, 60));
    CHECK(std::set<Port>(ports.begin(), ports.end()).size() == ports.size());
    for (Port port : ports) {
        CHECK(port >= 50200);
        CHECK(port <= 50299);
    }
    CHECK_FALSE(std::is_sorted(ports.begin(), ports.end()));
}

TEST_CASE("random ephemeral ports are drawn uniformly over the free ports") {
    // Free ports: 50000-50009 and 50290-50299, around a reservation.
    World w = ephemeral(EphemeralPolicy::random, 4);
    w.acquired(w.open(peer), PortBlock{50010, 280});
    std::map<Port, int> hits;
    for (int i = 0; i < 2000; ++i) {
        const SocketHandle s = w.open();
        ++hits[w.bound(s, 0)];
        REQUIRE(w.host.close_socket(s) == Error::ok);
    }
    CHECK(hits.size() == 20);
    for (const auto& [port, count] : hits) {
        CHECK((port < 50010 || port >= 50290));
        CHECK(count > 50);
        CHECK(count < 150);
    }
}

TEST_CASE("random ephemeral ports differ between seeds") {
    World first = ephemeral(EphemeralPolicy::random, 5);
    World second = ephemeral(EphemeralPolicy::random, 6);
    CHECK(ephemeral_ports(first, 10) != ephemeral_ports(second, 10));
}

TEST_CASE("random ephemeral ports run out with WSAENOBUFS") {
    World w = ephemeral(EphemeralPolicy::random);
    w.acquired(w.open(peer), PortBlock{50000, 299});
    CHECK(ephemeral_ports(w, 1) == std::vector<Port>{50299});
    const SocketHandle late = w.open();
    CHECK_REFUSED(w, Error::wsaenobufs, w.host.bind(late, 0));
}

TEST_CASE("a policy change takes effect at the next request") {
    World w = placing(WildcardPlacement::first_fit);
    const SocketHandle s = w.open();
    const Token first = w.acquired(s, wildcard(10)).token;
    w.acquired(s, wildcard(10));
    REQUIRE(w.host.release(s, first).ok());
    w.host.set_policies(Policies{.wildcard = WildcardPlacement::next_fit});
    CHECK(w.acquired(s, wildcard(10)).block.start == 50020);
    w.host.set_policies(Policies{.wildcard = WildcardPlacement::first_fit});
    CHECK(w.acquired(s, wildcard(10)).block.start == 50000);
}

// ---- tokens ----

TEST_CASE("tokens are never 0 and never repeat over a host's lifetime, reboots included") {
    World w;
    std::set<Token> seen;
    std::size_t drawn = 0;
    const auto note = [&](Token token) {
        CHECK(token != invalid_token);
        seen.insert(token);
        ++drawn;
    };
    for (int boot = 0; boot < 3; ++boot) {
        const SocketHandle s = w.open();
        for (int i = 0; i < 500; ++i) {
            const Token token = w.acquired(s, PortBlock{5000, 20}).token;
            note(token);
            REQUIRE(w.host.release(s, token).ok());
        }
        note(w.persisted(Transport::tcp, PortBlock{static_cast<Port>(40000 + boot), 1}));
        w.host.reboot();
        w.start_processes();
        for (const ReservationView& r : w.host.reservations(Transport::tcp)) note(r.token);
    }
    CHECK(seen.size() == drawn);
}

TEST_CASE("the same seed gives the same tokens and another seed different ones") {
    World first = placing(WildcardPlacement::first_fit, 21);
    World same = placing(WildcardPlacement::first_fit, 21);
    World other = placing(WildcardPlacement::first_fit, 22);
    const std::vector<Token> tokens = acquired_tokens(first, 5);
    CHECK(acquired_tokens(same, 5) == tokens);
    const std::vector<Token> other_tokens = acquired_tokens(other, 5);
    for (Token token : other_tokens)
        CHECK(std::find(tokens.begin(), tokens.end(), token) == tokens.end());
}

TEST_CASE("tokens do not depend on the placement policy") {
    World random = placing(WildcardPlacement::random, 21);
    World first_fit = placing(WildcardPlacement::first_fit, 21);
    CHECK(acquired_tokens(random, 5) == acquired_tokens(first_fit, 5));
}

TEST_CASE("a refused request draws no token and no random number") {
    const Policies random_everything{.wildcard = WildcardPlacement::random,
                                     .ephemeral = EphemeralPolicy::random};
    World refused = world_with(9, random_everything);
    World clean = world_with(9, random_everything);
    for (World* w : {&refused, &clean}) w->acquired(w->open(peer), PortBlock{50100, 1});

    const SocketHandle s = refused.open(app);
    CHECK(refused.host.acquire(s, PortBlock{50100, 1}).error == decision::acquire_block_taken);
    CHECK(refused.host.acquire(s, wildcard(200)).error == decision::wildcard_exhausted);
    CHECK(refused.host.acquire(s, wildcard(301)).error == decision::wildcard_larger_than_range);
    CHECK(refused.host.bind(s, 50100).error == Error::wsaeacces);
    CHECK(refused.host.create_persistent(admin, Transport::udp, PortBlock{50100, 1}).error ==
          Error::sharing_violation);
    CHECK(refused.host.create_persistent(app, Transport::udp, PortBlock{7000, 1}).error ==
          Error::access_denied);

    CHECK(next_draws(refused) == next_draws(clean));
}
