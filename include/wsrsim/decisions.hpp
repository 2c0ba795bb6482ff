// Every rule the SPEC marks [decision], and every choice this project made where
// the SPEC is silent, in one place (SPEC §10). Each names its SPEC section. A user
// with a real Windows machine who finds one wrong changes it here; the tests that
// pin it name it (grep for the constant).
#pragma once

#include <cstdint>

#include "wsrsim/error.hpp"

namespace wsrsim::decision {

// ---- Decisions the SPEC states ----------------------------------------------

// §1: tokens come from a generator keyed by the host seed (see token.hpp).

// §2 row 6: an empty block, or one running past 65535, is refused the way the
// persistent API refuses it.
inline constexpr Error acquire_bad_block = Error::wsaeinval;
// §2 row 7: a specific block touching a reserved or bound port; real clients treat
// this code as "taken, try the next port".
inline constexpr Error acquire_block_taken = Error::wsaeaddrinuse;
// §2 row 8: a wildcard block larger than the whole dynamic range.
inline constexpr Error wildcard_larger_than_range = Error::wsaeinval;
// §2 row 9: no free run of the size asked inside the dynamic range.
inline constexpr Error wildcard_exhausted = Error::wsaenobufs;

// §3: ASSOCIATE has no output; *lpcbBytesReturned is set to 0.
// §3 row 6: the reservation is of the other transport.
inline constexpr Error associate_wrong_transport = Error::wsaeinval;
// §3 row 7: a runtime reservation of another process (the code is the decision).
inline constexpr Error associate_foreign_runtime = Error::wsaeinval;
// §3 row 10: the socket is associated already.
inline constexpr Error associate_twice = Error::wsaeinval;

// §4 row 5: releasing a token this process may not release (the code is the decision).
inline constexpr Error release_not_releasable = Error::wsaeinval;
// §4: releasing a block leaves its bound sockets bound (their ports become ordinary
// bound ports); associated sockets not yet bound lose the association, and bind on
// them then fails with this code. Persistent deletes (§8) do the same.
inline constexpr Error bind_after_association_lost = Error::wsaeinval;

// §5: an associated socket binding port 0 when every port of its block is taken.
inline constexpr Error associated_bind_exhausted = Error::wsaenobufs;
// §5: addresses are not modelled; two sockets conflict on a port whatever addresses
// they name. A closed handle is never reused within a host's lifetime.

// §8: a null Token pointer (Windows API layer).
inline constexpr Error persistent_null_token = Error::invalid_parameter;

// ---- Choices where the SPEC is silent -----------------------------------------

// §5: bind on a socket that is neither TCP nor UDP (no port space to bind in),
// and getsockname on an unbound socket (Windows answers WSAEINVAL there).
inline constexpr Error bind_without_port_space = Error::wsaeopnotsupp;
inline constexpr Error getsockname_unbound = Error::wsaeinval;

// §5: an associated socket binding a port outside its own block is treated exactly
// like a socket that is not associated (the rows after "P inside its reservation").

// §3 row 10: a socket that lost its association still counts as associated, so
// it cannot be associated again: the stale association is permanent.

// §4: RELEASE does not compare the socket's transport with the reservation's: any
// TCP or UDP socket of the owning process may release any of its tokens.

// §6: a request due at time T completes before the next request the host serves,
// so with latency 0 an overlapped request completes before the next one starts.

// §7: next-fit's and sequential's cursors start at the dynamic range's start and
// go back there at reboot. Next-fit starts a block at the cursor itself when the
// cursor lies inside a free run long enough from there on.

// §7: `random` draws starts uniformly over the whole dynamic range and keeps the
// first where the block fits (at most random_draws tries); if none fits it draws
// uniformly among every fitting start in port order. Either way the result is
// uniform over all fitting starts, and the cost stays O(log n) except near
// exhaustion. Ephemeral `random` is the same with a one-port block.
inline constexpr int random_draws = 32;

// §7: `clustered`, the default, is chosen by measurement against 33 real hosts'
// netsh tables (README "Placement against real hosts"): most wildcard blocks start
// right after the previous one, and runs of adjacent blocks are short. Each block
// draws a number below 100 first; under this percentage it goes right after the
// host's last wildcard block (the next-fit cursor) if it fits there; otherwise,
// and for a host's first block, it is placed like `random`.
inline constexpr std::uint64_t clustered_continue_percent = 68;

// §8: Delete and Lookup find administered reservations of either store
// (persistent or active); a runtime block of the same range is ERROR_NOT_FOUND.

// §8: a persistent call from an unknown pid is treated as not elevated.

// §9: netsh prints "Ok." after a successful add or delete, as Windows does.

// §9: at reboot, overlapped requests still pending and the records of completed
// ones are gone with their processes.

// HostLimits (not Windows rules: caps a user sets). A socket past the cap is what
// Windows answers for too many open sockets; a runtime block past the cap is
// exhaustion, as a full range is; a process or administered block past the cap
// is the system running out of resources.
inline constexpr Error socket_cap = Error::wsaemfile;
inline constexpr Error runtime_reservation_cap = Error::wsaenobufs;
inline constexpr Error administered_reservation_cap = Error::no_system_resources;
inline constexpr Error process_cap = Error::no_system_resources;

// ---- Choices of the Windows API layer (sim/win32) ----------------------------

// §2 row 3: a null lpvOutBuffer with a non-zero cbOutBuffer is faulted like a null
// lpvInBuffer (WSAIoctl's reference lists both under WSAEFAULT): ACQUIRE writes there.
inline constexpr Error acquire_null_output = Error::wsaefault;

// §6: completion signals hEvent only for a request without a completion routine:
// with one, Microsoft documents hEvent as the application's to use as it likes.

// §6: WSAWaitForMultipleEvents and SleepEx wait on the virtual clock. A wait
// without a timeout that no pending request can end would last forever on
// Windows; the layer says so on stderr and aborts rather than hang.

// The Linux process plays model process 1000 until wsrsim_win32_use_process
// names another.

}  // namespace wsrsim::decision
