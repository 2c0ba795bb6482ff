// Ports, transports and blocks of ports.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wsrsim {

using Port = std::uint16_t;

inline constexpr std::uint32_t highest_port = 65535;

// Each transport has its own port space; IPv4 and IPv6 share it (SPEC §1).
enum class Transport : std::uint8_t { tcp, udp };
inline constexpr std::array<Transport, 2> all_transports{Transport::tcp, Transport::udp};

std::string_view transport_name(Transport transport);  // "tcp" / "udp"
std::optional<Transport> parse_transport(std::string_view text);

// A block as Windows' INET_PORT_RANGE carries it (host byte order here).
// start = 0 asks for a wildcard block. The block may be invalid (count 0, or
// running past 65535); the model refuses such blocks with the SPEC's codes.
struct PortBlock {
    Port start = 0;
    Port count = 0;

    constexpr std::uint32_t last() const { return std::uint32_t{start} + count - 1; }
    constexpr bool is_valid() const { return count != 0 && start != 0 && last() <= highest_port; }
    constexpr bool contains(std::uint32_t port) const { return port >= start && port <= last(); }
    constexpr bool overlaps(PortBlock other) const {
        return std::uint32_t{start} <= other.last() && std::uint32_t{other.start} <= last();
    }
    friend constexpr bool operator==(PortBlock, PortBlock) = default;
};

// A transport's dynamic (ephemeral) port range, like `netsh ... show dynamicport`.
struct DynamicRange {
    std::uint32_t start = 49152;
    std::uint32_t count = 16384;

    constexpr std::uint32_t last() const { return start + count - 1; }
    constexpr bool contains(std::uint32_t port) const { return port >= start && port <= last(); }
    friend constexpr bool operator==(DynamicRange, DynamicRange) = default;
};

}  // namespace wsrsim
