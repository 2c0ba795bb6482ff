// Rng::below, which wildcard placement and ephemeral ports draw with: its speed-ups
// must not change a single draw, or every seeded result would change.
#include <doctest/doctest.h>

#include <cstdint>

#include "wsrsim/random.hpp"

using wsrsim::Rng;

namespace {

// Rejection sampling written the plain way, the tail's start computed for every
// raw value; counts the raw values it takes.
std::uint64_t below_the_plain_way(Rng& rng, std::uint64_t bound, std::uint64_t& raw_values) {
    const std::uint64_t tail = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t x;
    do {
        x = rng.next();
        ++raw_values;
    } while (x >= tail);
    return x % bound;
}

}  // namespace

TEST_CASE("below draws what plain rejection sampling draws, for bounds whose rejected tail is empty, one value or half of all") {
    // 2^63 rejects nothing, UINT64_MAX only the last value, 2^63 + 1 nearly half.
    const std::uint64_t bounds[] = {1, 2, 3, 7, 100, 65535, (std::uint64_t{1} << 32) + 1,
                                    std::uint64_t{1} << 63, (std::uint64_t{1} << 63) + 1, UINT64_MAX};
    constexpr std::uint64_t draws = 20000;
    for (const std::uint64_t bound : bounds) {
        CAPTURE(bound);
        Rng fast(42);
        Rng plain(42);
        std::uint64_t raw_values = 0;
        for (std::uint64_t draw = 0; draw < draws; ++draw) {
            const std::uint64_t value = fast.below(bound);
            REQUIRE(value == below_the_plain_way(plain, bound, raw_values));
            REQUIRE(value < bound);
        }
        CHECK(fast.state() == plain.state());  // the same raw values consumed
        if (bound == (std::uint64_t{1} << 63) + 1) CHECK(raw_values > draws * 19 / 10);  // the tail was hit
    }
}
