// wsrsim: the command line.
#include <cstdio>
#include <string_view>

#include "wsrsim/host.hpp"
#include "wsrsim/netsh.hpp"

namespace {

using namespace wsrsim;

void show(std::string_view step, const Outcome& outcome) {
    std::printf("%-44.*s %.*s", static_cast<int>(step.size()), step.data(),
                static_cast<int>(error_name(outcome.error).size()), error_name(outcome.error).data());
    if (outcome.block.count) std::printf("  block %u-%u", outcome.block.start, outcome.block.last());
    if (outcome.port) std::printf("  port %u", outcome.port);
    std::printf("\n");
}

// The scenario of Microsoft's SIO_ACQUIRE_PORT_RESERVATION sample, on the model.
int demo() {
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

}  // namespace

int main(int argc, char** argv) {
    const std::string_view command = argc > 1 ? argv[1] : "";
    if (command == "demo") return demo();
    std::fprintf(stderr, "usage: wsrsim demo\n");
    return 2;
}
