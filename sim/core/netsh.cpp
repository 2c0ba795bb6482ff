#include "wsrsim/netsh.hpp"

#include <cstdio>

namespace wsrsim::netsh {
namespace {

std::string right_aligned(std::uint32_t value, int width) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%*u", width, value);
    return buffer;
}

CommandResult result_of(Error error) {
    std::string text{error == Error::ok ? std::string_view{"Ok."} : system_message(error)};
    return CommandResult{error, text + "\n\n"};
}

}  // namespace

std::string show_excluded_port_range(const Host& host, Transport transport) {
    std::string text = "\nProtocol ";
    text += transport_name(transport);
    text += " Port Exclusion Ranges\n\nStart Port    End Port\n----------    --------\n";
    for (const ReservationView& r : host.reservations(transport)) {
        text += right_aligned(r.block.start, 10);
        text += right_aligned(r.block.last(), 12);
        if (is_administered(r.kind)) text += "     *";
        text += '\n';
    }
    text += "\n* - Administered port exclusions.\n\n";
    return text;
}

std::string show_dynamic_port(const Host& host, Transport transport) {
    const DynamicRange range = host.dynamic_range(transport);
    std::string text = "\nProtocol ";
    text += transport_name(transport);
    text += " Dynamic Port Range\n---------------------------------\nStart Port      : ";
    text += std::to_string(range.start);
    text += "\nNumber of Ports : ";
    text += std::to_string(range.count);
    text += "\n\n";
    return text;
}

CommandResult add_excluded_port_range(Host& host, Pid caller, Transport transport, PortBlock block,
                                      ReservationKind store) {
    return result_of(host.create_persistent(caller, transport, block, store).error);
}

CommandResult delete_excluded_port_range(Host& host, Pid caller, Transport transport,
                                         PortBlock block) {
    const Error error = host.delete_persistent(caller, transport, block);
    // SPEC §9: a runtime block is refused "even as administrator".
    if (error == Error::not_found) {
        if (auto r = host.reservation_covering(transport, block.start);
            r && r->block == block && !is_administered(r->kind))
            return result_of(Error::access_denied);
    }
    return result_of(error);
}

}  // namespace wsrsim::netsh
