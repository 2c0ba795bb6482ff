// The seeded pseudo-random source of a host. Written here rather than taken from
// <random> so that one seed gives the same draws with every standard library.
#pragma once

#include <array>
#include <cstdint>

namespace wsrsim {

// SplitMix64's output function: a bijection on 64-bit values that scrambles well.
constexpr std::uint64_t mix64(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

// xoshiro256** seeded through SplitMix64.
class Rng {
public:
    explicit constexpr Rng(std::uint64_t seed = 1) {
        std::uint64_t s = seed;
        for (auto& word : state_) {
            s += 0x9e3779b97f4a7c15ULL;
            word = mix64(s);
        }
    }

    // The whole state, to save a generator and resume it later (saved hosts).
    using State = std::array<std::uint64_t, 4>;
    constexpr State state() const { return state_; }
    static constexpr Rng resumed(const State& state) {
        Rng rng;
        rng.state_ = state;
        return rng;
    }

    constexpr std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // Uniform in [0, bound), bound > 0, without modulo bias (rejects the short tail,
    // the values from UINT64_MAX - UINT64_MAX % bound up). The tail lies within the
    // top `bound` values, so its exact start, a second division, is needed only for
    // a draw up there: the same draws, at one division each instead of two.
    // Inline: with a constant bound, the division becomes a multiplication.
    [[gnu::always_inline]] constexpr std::uint64_t below(std::uint64_t bound) {
        std::uint64_t x = next();
        if (x > UINT64_MAX - bound) [[unlikely]] {
            const std::uint64_t tail = UINT64_MAX - UINT64_MAX % bound;
            while (x >= tail) x = next();
        }
        return x % bound;
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    State state_{};
};

}  // namespace wsrsim
