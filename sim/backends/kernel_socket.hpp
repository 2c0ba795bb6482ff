// The few kernel calls the Linux backend makes, each answering with a SPEC error
// code. Every socket lives in a Descriptor, which closes it when it goes, so no
// path, error paths included, can leave one open. Every bind names 127.0.0.1.
#pragma once

#include <optional>
#include <vector>

#include "wsrsim/host.hpp"

namespace wsrsim::linux_sockets {

// Owns one file descriptor; -1 when empty.
class Descriptor {
public:
    Descriptor() = default;
    explicit Descriptor(int fd) : fd_(fd) {}
    ~Descriptor();
    Descriptor(Descriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    Descriptor& operator=(Descriptor&& other) noexcept;
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;

    int fd() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

// The SPEC's code for an errno of socket(), setsockopt() or bind().
Error error_from_errno(int error);

// An unbound socket: a TCP stream or UDP datagram socket (always IPv4, see
// linux_backend.hpp), or for any other kind a Unix datagram socket, which has
// no port space, as Windows' raw sockets have none for reservations.
struct OpenedSocket {
    Descriptor socket;
    Error error = Error::ok;
};
OpenedSocket open_socket(SocketKind kind);

// How a bind treats other sockets on the port: `shared` sets SO_REUSEPORT, so
// the socket may join a reservation's placeholder (and its other sockets).
enum class Sharing : std::uint8_t { exclusive, shared };

// Binds 127.0.0.1:port (port 0: the kernel's ephemeral allocator chooses).
Error bind_loopback(const Descriptor& socket, Port port, Sharing sharing);

// Asks the kernel to take ephemeral ports for this socket from `range`
// (IP_LOCAL_PORT_RANGE, Linux 6.3+). The kernel narrows its own
// net.ipv4.ip_local_port_range with it and ignores an end that lies outside;
// an older kernel refuses the option, and then its whole range applies.
void prefer_ephemeral_range(const Descriptor& socket, const DynamicRange& range);

// The port the socket is bound to, as the kernel says; nullopt if unbound or
// not an IPv4 socket.
std::optional<Port> bound_port(const Descriptor& socket);

// One placeholder socket per port of `block` (SO_REUSEPORT, so the
// reservation's own sockets can join them), all or none: on failure the ones
// already opened are closed and `refused` is the port the kernel refused.
struct HeldBlock {
    std::vector<Descriptor> placeholders;
    Error error = Error::ok;
    std::uint32_t refused = 0;
};
HeldBlock hold_block(Transport transport, PortBlock block);

}  // namespace wsrsim::linux_sockets
