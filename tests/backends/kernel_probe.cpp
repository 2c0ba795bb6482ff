#include "kernel_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace wsrsim::testing {
namespace {

int socket_for(Transport transport) {
    return transport == Transport::tcp ? ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)
                                       : ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

// 0 or the errno of bind().
int bind_to(int fd, Port port, const char* address) {
    sockaddr_in where{};
    where.sin_family = AF_INET;
    where.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &where.sin_addr);
    return ::bind(fd, reinterpret_cast<const sockaddr*>(&where), sizeof where) == 0 ? 0 : errno;
}

bool bindable(Transport transport, Port port, const char* address) {
    const int fd = socket_for(transport);
    const int error = bind_to(fd, port, address);
    ::close(fd);
    return error == 0;
}

}  // namespace

std::size_t open_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
}

bool port_taken(Transport transport, Port port, const char* address) {
    const int fd = socket_for(transport);
    const int error = bind_to(fd, port, address);
    ::close(fd);
    return error == EADDRINUSE;
}

std::optional<Port> free_region(Port count) {
    const std::uint32_t from = 61000 + (static_cast<std::uint32_t>(::getpid()) % 7) * 640;
    std::uint32_t start = from;
    for (std::uint32_t port = from; port <= highest_port && port < start + count; ++port) {
        for (Transport transport : all_transports)
            for (const char* address : {"127.0.0.1", "0.0.0.0"})
                if (!bindable(transport, static_cast<Port>(port), address)) start = port + 1;
    }
    if (start + count - 1 > highest_port) return std::nullopt;
    return static_cast<Port>(start);
}

bool kernel_narrows_ephemeral_range() {
    constexpr int ip_local_port_range = 51;  // the kernel's number; older headers lack it
    const int fd = socket_for(Transport::udp);
    const std::uint32_t range = 40000 | (41000u << 16);
    const bool taken = ::setsockopt(fd, IPPROTO_IP, ip_local_port_range, &range, sizeof range) == 0;
    ::close(fd);
    return taken;
}

bool all_bound_sockets_on_loopback() {
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        const int fd = std::atoi(entry.path().filename().c_str());
        sockaddr_in address{};
        socklen_t length = sizeof address;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) continue;
        if (address.sin_family != AF_INET || address.sin_port == 0) continue;
        if (address.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) return false;
    }
    return true;
}

ForeignSocket::ForeignSocket(Transport transport, Port port) : fd_(socket_for(transport)) {
    bound_ = bind_to(fd_, port, "127.0.0.1") == 0;
}

ForeignSocket::~ForeignSocket() { ::close(fd_); }

DescriptorLimit::DescriptorLimit(std::size_t soft) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    saved_soft_ = limit.rlim_cur;
    limit.rlim_cur = soft;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

DescriptorLimit::~DescriptorLimit() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = saved_soft_;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace wsrsim::testing
