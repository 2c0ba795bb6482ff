#include <cstdio>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "wsrsim/host.hpp"
#include "wsrsim/netsh.hpp"

namespace wsrsim::cli {
namespace {

constexpr std::string_view usage = R"(usage: wsrsim demo

Runs the scenario of Microsoft's SIO_ACQUIRE_PORT_RESERVATION sample on the
model, step by step, with the netsh table before and after. The same scenario
as a trace: traces/microsoft_sample.trace.
)";

void show(std::string_view step, const Outcome& outcome) {
    std::printf("%-44.*s %.*s", static_cast<int>(step.size()), step.data(),
                static_cast<int>(error_name(outcome.error).size()), error_name(outcome.error).data());
    if (outcome.block.count) std::printf("  block %u-%u", outcome.block.start, outcome.block.last());
    if (outcome.port) std::printf("  port %u", outcome.port);
    std::printf("\n");
}

}  // namespace

int demo_command(int argc, char** argv) {
    const Arguments args = Arguments::parse(argc, argv, 2, {});
    if (!args.error().empty()) return usage_error("demo", args.error());
    if (args.has("help")) {
        std::cout << usage;
        return 0;
    }
    if (!args.positional().empty()) return usage_error("demo", "takes no arguments");

    Host host;
    host.create_process(1000, false, "sample");
    host.create_process(4, true, "System");
    const SocketHandle system = host.open_socket(4, SocketKind::udp).socket;
    show("System takes a wildcard block of 100 ports", host.acquire(system, PortBlock{0, 100}));
    const SocketHandle sock = host.open_socket(1000, SocketKind::udp).socket;
    const Outcome acquired = host.acquire(sock, PortBlock{5000, 20});
    show("acquire udp 5000, 20 ports", acquired);
    show("associate the token with the socket", host.associate(sock, acquired.token));
    show("bind port 0", host.bind(sock, 0));
    std::fputs(netsh::show_excluded_port_range(host, Transport::udp).c_str(), stdout);
    show("release the token", host.release(sock, acquired.token));
    show("close the socket", failure(host.close_socket(sock)));
    std::fputs(netsh::show_excluded_port_range(host, Transport::udp).c_str(), stdout);
    return 0;
}

}  // namespace wsrsim::cli
