// The simulated Windows host: port spaces, processes, sockets, reservations,
// overlapped requests and the virtual clock (SPEC §1-§9). No I/O, no globals:
// everything a host knows lives in its object.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrsim/host_state.hpp"
#include "wsrsim/outcome.hpp"
#include "wsrsim/policy.hpp"

namespace wsrsim {

// A socket's type and protocol: only TCP and UDP sockets take part in reservations.
enum class SocketKind : std::uint8_t { tcp, udp, other };
enum class Family : std::uint8_t { v4, v6 };

std::string_view socket_kind_name(SocketKind kind);  // "tcp", "udp", "raw"
std::optional<SocketKind> parse_socket_kind(std::string_view text);
std::optional<Transport> transport_of(SocketKind kind);

struct SocketOptions {
    Family family = Family::v4;
    bool overlapped = true;  // socket() makes overlapped sockets; WSASocket may not
};

// How an IOCTL is issued: `overlapped` stands for a non-null lpOverlapped.
// On a non-overlapped socket it is ignored and the call is synchronous (SPEC §6).
enum class IoMode : std::uint8_t { sync, overlapped };

enum class ReservationKind : std::uint8_t {
    runtime,     // SIO_ACQUIRE_PORT_RESERVATION; lives with its socket
    persistent,  // CreatePersistent*PortReservation / netsh store=persistent; survives reboot
    active,      // netsh store=active: administered like persistent, gone at reboot
};

inline bool is_administered(ReservationKind kind) { return kind != ReservationKind::runtime; }

// Caps on what a host holds at once (issue 7: bounded memory on hostile traces).
// A request that would pass one fails with the code decisions.hpp names.
struct HostLimits {
    std::size_t processes = SIZE_MAX;
    std::size_t sockets = SIZE_MAX;
    std::size_t reservations = SIZE_MAX;  // runtime and administered, both transports
    friend bool operator==(const HostLimits&, const HostLimits&) = default;
};

struct HostConfig {
    std::uint64_t seed = 1;
    Policies policies{};
    HostLimits limits{};
};

struct ReservationView {
    Transport transport;
    PortBlock block;
    Token token;
    ReservationKind kind;
    Pid owner;                 // runtime only; 0 otherwise
    SocketHandle acquired_on;  // runtime only; no_socket otherwise
    friend bool operator==(const ReservationView&, const ReservationView&) = default;
};

struct SocketView {
    Pid pid;
    SocketKind kind;
    SocketOptions options;
    Port bound_port;          // 0 while unbound
    Token associated_with;    // invalid_token if none
    bool association_lost;    // its reservation went away before it was bound
};

struct ProcessView {
    Pid pid;
    bool elevated;
    std::string name;
    std::size_t sockets;
};

struct RequestState {
    bool done;
    Nanos completes_at;
    Outcome outcome;  // meaningful once done
};

// Running totals of one transport's port space, kept as the state changes.
struct PortSpaceCounts {
    std::size_t reservations = 0;
    std::size_t reserved_ports = 0;
    std::size_t bound_sockets = 0;
    friend bool operator==(const PortSpaceCounts&, const PortSpaceCounts&) = default;
};

class HostState;

class Host {
public:
    explicit Host(HostConfig config = {});
    ~Host();
    Host(Host&&) noexcept;
    Host& operator=(Host&&) noexcept;
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    // Settings. set_dynamic_range follows `netsh int ipv4 set dynamicport`:
    // start >= 1024, count >= 255, start + count - 1 <= 65535, else
    // ERROR_INVALID_PARAMETER and nothing changes.
    Error set_dynamic_range(Transport transport, std::uint32_t start, std::uint32_t count);
    DynamicRange dynamic_range(Transport transport) const;
    void set_policies(const Policies& policies);
    const Policies& policies() const;
    std::uint64_t seed() const;

    // Virtual clock (ns). Advancing completes every overlapped request due by then.
    // Going backwards is ERROR_INVALID_PARAMETER.
    Nanos now() const;
    Error advance_to(Nanos time);

    // Processes. A pid in use is ERROR_ALREADY_EXISTS, pid 0 or an unknown pid
    // ERROR_INVALID_PARAMETER. Exiting closes every socket of the process.
    Error create_process(Pid pid, bool elevated, std::string_view name);
    Error exit_process(Pid pid);

    // Sockets (SPEC §5). open_socket gives Outcome::socket.
    Outcome open_socket(Pid pid, SocketKind kind, SocketOptions options = {});
    Error close_socket(SocketHandle socket);
    Outcome bind(SocketHandle socket, Port port);
    Outcome getsockname(SocketHandle socket);

    // The reservation IOCTLs (SPEC §2-§4), without the buffer checks of rows 3-5,
    // which belong to the Windows API layer.
    Outcome acquire(SocketHandle socket, PortBlock block, IoMode mode = IoMode::sync);
    Outcome associate(SocketHandle socket, Token token, IoMode mode = IoMode::sync);
    Outcome release(SocketHandle socket, Token token, IoMode mode = IoMode::sync);

    // Overlapped requests (SPEC §6). wait() advances the clock to the request's
    // completion and gives its outcome; forget() drops a request's record (a
    // pending one still completes, with its effects, but its outcome is not kept).
    // An unknown request is ERROR_INVALID_PARAMETER / nullopt.
    std::optional<RequestState> request(RequestId id) const;
    Outcome wait(RequestId id);
    void forget(RequestId id);

    // The persistent API (SPEC §8), caller identified by pid; store chooses
    // between persistent and active (netsh store=active).
    Outcome create_persistent(Pid caller, Transport transport, PortBlock block,
                              ReservationKind store = ReservationKind::persistent);
    Error delete_persistent(Pid caller, Transport transport, PortBlock block);
    Outcome lookup_persistent(Pid caller, Transport transport, PortBlock block);

    // SPEC §9: everything but persistent reservations and dynamic ranges goes;
    // persistent tokens are drawn anew; the clock keeps running.
    void reboot();

    // Views, for reports and tests.
    std::vector<ReservationView> reservations(Transport transport) const;  // by start port
    std::optional<ReservationView> reservation_covering(Transport transport, Port port) const;
    std::optional<ReservationView> reservation_with(Token token) const;
    std::optional<SocketView> socket(SocketHandle socket) const;
    std::optional<ProcessView> process(Pid pid) const;
    PortSpaceCounts counts(Transport transport) const;
    // The highest each count has been since the host was made (restored state
    // included): kept as the state changes, so a replay need not sample.
    PortSpaceCounts peak_counts(Transport transport) const;

    // The lasting part (wsrsim/host_state.hpp). restore() is booting with a saved
    // store: only on a host with no process and no reservation, persistent tokens
    // drawn anew (SPEC §9); a snapshot no host could have made (a bad range or
    // block, overlapping blocks, a dead generator) is ERROR_INVALID_PARAMETER and
    // nothing changes.
    HostSnapshot lasting_state() const;
    Error restore(const HostSnapshot& snapshot);

private:
    std::unique_ptr<HostState> state_;
};

}  // namespace wsrsim
