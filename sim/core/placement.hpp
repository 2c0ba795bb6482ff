// The policies of SPEC §7: where a wildcard block goes and which port bind(0) gets.
#pragma once

#include <optional>

#include "port_space.hpp"
#include "wsrsim/policy.hpp"
#include "wsrsim/random.hpp"

namespace wsrsim::core {

// Where the next-fit and sequential policies resume in one port space.
struct Cursors {
    std::uint32_t next_fit = 0;   // 0: the dynamic range's start
    std::uint32_t ephemeral = 0;
};

// The start of `length` free ports inside the dynamic range, or nullopt if there are none.
std::optional<Port> place_wildcard(const PortSpace& space, WildcardPlacement placement,
                                   Cursors& cursors, Rng& rng, std::uint32_t length);

// A free port of the dynamic range for bind(0), or nullopt if there is none.
std::optional<Port> pick_ephemeral(const PortSpace& space, EphemeralPolicy policy,
                                   Cursors& cursors, Rng& rng);

}  // namespace wsrsim::core
