// Reservation tokens: opaque 64-bit values, never 0, unique for a host's lifetime.
#pragma once

#include <cstdint>

#include "wsrsim/random.hpp"

namespace wsrsim {

using Token = std::uint64_t;

inline constexpr Token invalid_token = 0;  // INVALID_PORT_RESERVATION_TOKEN

// Tokens are mix64(key + n) for n = 0, 1, 2, ...: mix64 is a bijection, so no
// token repeats within 2^64 draws, and consecutive tokens share no visible
// relation. The key comes from the host seed (SPEC §1 [decision]).
class TokenSource {
public:
    explicit constexpr TokenSource(std::uint64_t seed, std::uint64_t drawn = 0)
        : key_(mix64(seed ^ 0x746f6b656e73ULL)), drawn_(drawn) {}

    // How far the generator has gone: a source built with the same seed and this
    // count continues where this one is (saved hosts).
    constexpr std::uint64_t drawn() const { return drawn_; }

    constexpr Token draw() {
        Token token = invalid_token;
        while (token == invalid_token) token = mix64(key_ + drawn_++);
        return token;
    }

private:
    std::uint64_t key_;
    std::uint64_t drawn_ = 0;
};

}  // namespace wsrsim
