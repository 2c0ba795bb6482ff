// The lasting part of a host: what a Windows machine keeps in its persistent
// store across reboots (SPEC §9) plus the generators' positions, so that a saved
// host, loaded again, draws the tokens and ports it would have drawn next.
// Plain data: writing it to a file belongs to the trace layer (host_state_file.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "wsrsim/ports.hpp"

namespace wsrsim {

struct PersistentBlock {
    Transport transport;
    PortBlock block;
    friend bool operator==(const PersistentBlock&, const PersistentBlock&) = default;
};

struct HostSnapshot {
    std::uint64_t seed = 1;
    std::uint64_t tokens_drawn = 0;           // the token generator's position
    std::array<std::uint64_t, 4> rng_state{};  // the placement generator's state
    DynamicRange tcp_range{};
    DynamicRange udp_range{};
    std::vector<PersistentBlock> persistent;  // store=persistent reservations only
    friend bool operator==(const HostSnapshot&, const HostSnapshot&) = default;
};

}  // namespace wsrsim
