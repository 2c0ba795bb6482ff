// Text the SPEC gives verbatim, which tests of different layers compare against.
#pragma once

#include <string_view>

namespace wsrsim::test {

// SPEC §9: `netsh int ipv4 show excludedportrange protocol=tcp` with a runtime
// reservation of port 5357 and a persistent one of 50000-50059.
inline constexpr std::string_view spec_excluded_tcp_table =
    "\n"
    "Protocol tcp Port Exclusion Ranges\n"
    "\n"
    "Start Port    End Port\n"
    "----------    --------\n"
    "      5357        5357\n"
    "     50000       50059     *\n"
    "\n"
    "* - Administered port exclusions.\n"
    "\n";

}  // namespace wsrsim::test
