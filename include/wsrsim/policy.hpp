// Host policies (SPEC §7): where wildcard blocks and ephemeral ports go, and how
// long overlapped requests take.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wsrsim {

using Nanos = std::uint64_t;  // virtual time

enum class WildcardPlacement : std::uint8_t {
    first_fit,  // lowest free run
    next_fit,   // first free run at or after the end of the last wildcard block, wrapping
    random,     // uniform over every start where the block fits
    clustered,  // mostly right after the last wildcard block, else a `random` start (decisions.hpp)
};

enum class EphemeralPolicy : std::uint8_t {
    sequential,  // next free port after the last one given, wrapping
    random,      // uniform over the free ports of the dynamic range
};

struct Policies {
    WildcardPlacement wildcard = WildcardPlacement::clustered;
    EphemeralPolicy ephemeral = EphemeralPolicy::sequential;
    Nanos latency = 0;
    friend bool operator==(const Policies&, const Policies&) = default;
};

std::string_view placement_name(WildcardPlacement placement);  // "first-fit", ...
std::optional<WildcardPlacement> parse_placement(std::string_view text);
std::string_view ephemeral_name(EphemeralPolicy policy);       // "sequential", "random"
std::optional<EphemeralPolicy> parse_ephemeral(std::string_view text);

}  // namespace wsrsim
