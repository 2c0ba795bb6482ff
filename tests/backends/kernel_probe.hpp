// What the tests ask the kernel directly, without the backend: how many
// descriptors this process has open, whether a port is taken, and a socket of
// "another program" that holds a port.
#pragma once

#include <cstddef>
#include <optional>

#include "wsrsim/backend.hpp"

namespace wsrsim::testing {

// Entries of /proc/self/fd.
std::size_t open_descriptors();

// Whether binding the port on `address` without SO_REUSEPORT, as a program that
// knows nothing of reservations would, is refused with EADDRINUSE.
bool port_taken(Transport transport, Port port, const char* address = "127.0.0.1");

// The lowest start of `count` ports (at most 640) free in the kernel for both
// TCP and UDP on 127.0.0.1 and 0.0.0.0, or nullopt. The search starts above
// Linux's default ephemeral range (32768-60999), where little else binds, at a
// place drawn from the pid, so test runs side by side rarely meet.
std::optional<Port> free_region(Port count);

// Whether this kernel takes IP_LOCAL_PORT_RANGE (Linux 6.3+).
bool kernel_narrows_ephemeral_range();

// Every bound IPv4 socket of this process names 127.0.0.1.
bool all_bound_sockets_on_loopback();

// A socket of some other program bound to 127.0.0.1:port, closed when it goes.
class ForeignSocket {
public:
    ForeignSocket(Transport transport, Port port);
    ~ForeignSocket();
    ForeignSocket(const ForeignSocket&) = delete;
    ForeignSocket& operator=(const ForeignSocket&) = delete;
    bool holds() const { return bound_; }

private:
    int fd_ = -1;
    bool bound_ = false;
};

// Sets the soft RLIMIT_NOFILE for the scope and restores it afterwards.
class DescriptorLimit {
public:
    explicit DescriptorLimit(std::size_t soft);
    ~DescriptorLimit();
    DescriptorLimit(const DescriptorLimit&) = delete;
    DescriptorLimit& operator=(const DescriptorLimit&) = delete;

private:
    std::uint64_t saved_soft_ = 0;
};

}  // namespace wsrsim::testing
