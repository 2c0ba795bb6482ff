// The netsh texts of SPEC §9, byte for byte (LF line ends).
#pragma once

#include <string>

#include "wsrsim/host.hpp"

namespace wsrsim::netsh {

// `netsh int ipv4 show excludedportrange protocol=tcp|udp`
std::string show_excluded_port_range(const Host& host, Transport transport);

// `netsh int ipv4 show dynamicport tcp|udp`
std::string show_dynamic_port(const Host& host, Transport transport);

struct CommandResult {
    Error error;
    std::string text;  // what netsh prints: "Ok." or the system message
};

// `netsh int ipv4 add excludedportrange protocol=P startport=S numberofports=N store=...`
CommandResult add_excluded_port_range(Host& host, Pid caller, Transport transport, PortBlock block,
                                      ReservationKind store = ReservationKind::persistent);

// `netsh int ipv4 delete excludedportrange ...`: as DeletePersistent*PortReservation,
// but a block that is there and not administered is ERROR_ACCESS_DENIED.
CommandResult delete_excluded_port_range(Host& host, Pid caller, Transport transport,
                                         PortBlock block);

}  // namespace wsrsim::netsh
