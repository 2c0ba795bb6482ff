#include "kernel_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

// Debian 12's headers predate the option (Linux 6.3); the number is the kernel's ABI.
#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51
#endif

namespace wsrsim::linux_sockets {

Descriptor::~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
}

Descriptor& Descriptor::operator=(Descriptor&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

Error error_from_errno(int error) {
    switch (error) {
    case 0: return Error::ok;
    case EADDRINUSE: return Error::wsaeaddrinuse;
    case EACCES:
    case EPERM: return Error::wsaeacces;
    // Out of descriptors or kernel memory: Windows says WSAENOBUFS when it runs
    // out of socket resources.
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM: return Error::wsaenobufs;
    case EINVAL: return Error::wsaeinval;
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case EOPNOTSUPP: return Error::wsaeopnotsupp;
    case EINTR: return Error::wsaeintr;
    // Anything else (the loopback interface gone, say) is Winsock's "the network
    // subsystem has failed".
    default: return Error::wsaenetdown;
    }
}

OpenedSocket open_socket(SocketKind kind) {
    int fd = -1;
    switch (kind) {
    case SocketKind::tcp: fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP); break;
    case SocketKind::udp: fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP); break;
    case SocketKind::other: fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); break;
    }
    if (fd < 0) return OpenedSocket{.error = error_from_errno(errno)};
    return OpenedSocket{.socket = Descriptor{fd}};
}

Error bind_loopback(const Descriptor& socket, Port port, Sharing sharing) {
    if (sharing == Sharing::shared) {
        const int on = 1;
        if (::setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0)
            return error_from_errno(errno);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(socket.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return error_from_errno(errno);
    return Error::ok;
}

void prefer_ephemeral_range(const Descriptor& socket, const DynamicRange& range) {
    const std::uint32_t low_and_high = range.start | (range.last() << 16);
    // A refusal (an older kernel) leaves the kernel's own range, which is still its allocator.
    (void)::setsockopt(socket.fd(), IPPROTO_IP, IP_LOCAL_PORT_RANGE, &low_and_high,
                       sizeof low_and_high);
}

std::optional<Port> bound_port(const Descriptor& socket) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        address.sin_family != AF_INET || address.sin_port == 0)
        return std::nullopt;
    return ntohs(address.sin_port);
}

HeldBlock hold_block(Transport transport, PortBlock block) {
    const SocketKind kind = transport == Transport::tcp ? SocketKind::tcp : SocketKind::udp;
    HeldBlock held;
    held.placeholders.reserve(block.count);
    for (std::uint32_t port = block.start; port <= block.last(); ++port) {
        OpenedSocket opened = open_socket(kind);
        if (opened.error == Error::ok)
            opened.error = bind_loopback(opened.socket, static_cast<Port>(port), Sharing::shared);
        if (opened.error != Error::ok) {
            held.placeholders.clear();
            held.error = opened.error;
            held.refused = port;
            return held;
        }
        held.placeholders.push_back(std::move(opened.socket));
    }
    return held;
}

}  // namespace wsrsim::linux_sockets
