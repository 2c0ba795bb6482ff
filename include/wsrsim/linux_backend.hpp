// A port-reservation host on real Linux kernel sockets: the same Backend as the
// model, serving every Request, with the SPEC's error codes.
//
// How it maps Windows onto Linux:
// - Every socket is a real kernel socket of this process; every bind names
//   127.0.0.1 and nothing else, so no traffic or port ever leaves loopback.
// - A reservation holds one placeholder socket per port, bound to 127.0.0.1 with
//   SO_REUSEPORT, so the kernel keeps the port from every other socket that
//   does not share it (any program's bind to 127.0.0.1 or 0.0.0.0, and the
//   kernel's own ephemeral allocator).
// - A reservation's own socket binds its port with SO_REUSEPORT too, next to the
//   placeholder, so the port passes to it without an instant in which it is free.
//   The placeholder then stays for the reservation's lifetime rather than being
//   closed at bind: if it were closed, the port would fall free in the kernel
//   the moment the bound socket closed, while Windows keeps it reserved until
//   release; and release must leave bound sockets their ports, which is what
//   closing only the placeholders does. The cost is one descriptor per
//   reserved port whether or not a socket is bound there.
// - A wildcard acquire searches the configured dynamic range (the policy picks
//   where the search starts) and lets the kernel answer: a block whose placeholder
//   bind meets EADDRINUSE (another program holds that port) is skipped and the
//   search goes on after the refused port.
// - bind(0) on an unassociated socket is the kernel's own ephemeral allocator,
//   told the configured dynamic range through IP_LOCAL_PORT_RANGE.
// - The bookkeeping the kernel cannot do lives in std containers: tokens (from
//   TokenSource with the host seed, drawn in the model's order, so the tokens
//   match the model's while both make the same reservations), processes, which
//   socket belongs to which reservation, and which reservation covers a port
//   (placeholders of two reservations share SO_REUSEPORT, so the kernel would
//   let them overlap).
// - Overlapped requests (Linux has no such thing for these IOCTLs) are decided
//   at issue time; the call still answers WSA_IO_PENDING with a request id, and
//   req::Wait returns the stored outcome. Handles and request ids are numbered
//   as the model numbers them.
// - When the process runs out of descriptors (RLIMIT_NOFILE) or the kernel of
//   socket memory, the request answers WSAENOBUFS and leaves nothing open.
//
// Where Linux cannot express a Windows rule (the divergence report shows these):
// 1. SO_REUSEPORT lets another program of the same user that also sets
//    SO_REUSEPORT bind a reserved port; Windows keeps every other process out.
// 2. Placeholders hold 127.0.0.1 only: another program may bind the same port
//    on another address (127.0.0.2, a LAN address); Windows reserves the port on
//    every address.
// 3. Ephemeral ports come from the kernel's allocator: its choice (not the
//    sequential/random policy), and only from where net.ipv4.ip_local_port_range
//    and the configured dynamic range overlap (the kernel's whole range if they
//    do not, or on kernels before 6.3).
// 4. Random wildcard placement starts its search at a uniformly drawn port and
//    takes the first fit from there, wrapping; the model draws uniformly among
//    all fitting starts. Ports held by other programs make blocks land elsewhere.
// 5. Overlapped latency is ignored: outcomes are decided at issue, not at
//    completion, so two pending requests never race as SPEC §6 describes, and
//    closing the socket cannot abort one (no WSA_OPERATION_ABORTED).
// 6. IPv6 sockets are IPv4 kernel sockets (Windows' IPv4 and IPv6 share one
//    port space, and this backend binds 127.0.0.1 only).
// 7. Sockets neither TCP nor UDP (Windows raw sockets) are Unix datagram sockets:
//    real Linux raw sockets need CAP_NET_RAW, and neither has a port to reserve.
// 8. Persistent reservations last as long as this backend object: they
//    survive req::Reboot, not the end of the program that runs the backend.
//    Ports below 1024 need privilege on Linux; a refusal there is WSAEACCES
//    (ERROR_ACCESS_DENIED stays the elevation rule's code).
// 9. Running out of descriptors is WSAENOBUFS wherever it happens, including
//    the persistent API and opening a socket, where Windows has other codes.
#pragma once

#include <cstdint>
#include <memory>

#include "wsrsim/backend.hpp"

namespace wsrsim {

class LinuxHost;

class LinuxBackend final : public Backend {
public:
    // The seed draws tokens (and random placement starts); the policies choose
    // where wildcard searches start. Dynamic ranges start as Windows' default.
    explicit LinuxBackend(const HostConfig& config = {});
    ~LinuxBackend() override;
    LinuxBackend(const LinuxBackend&) = delete;
    LinuxBackend& operator=(const LinuxBackend&) = delete;

    std::string_view name() const override { return "linux"; }
    Outcome apply(const Request& request) override;
    void forget(RequestId request) override;

private:
    std::unique_ptr<LinuxHost> host_;
};

// Raises this process's soft RLIMIT_NOFILE to its hard limit (a benchmark with
// many live reservations needs a descriptor per reserved port) and returns the
// soft limit in force afterwards.
std::uint64_t raise_descriptor_limit();

}  // namespace wsrsim
