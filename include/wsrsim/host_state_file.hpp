// Saved hosts (`wsrsim replay --state FILE`): a HostSnapshot as a small text file.
//
//     wsrsim-host-state 1
//     seed 42
//     tokens-drawn 17
//     rng 1234 5678 9012 3456
//     range tcp 49152 16384
//     range udp 49152 16384
//     persistent tcp 50000 100
//     checksum 8c3f0a9d1b2e4f67
//
// The checksum is FNV-1a (64 bits, hex) of every byte before its line: a file cut
// short lacks it, a changed byte fails it. Saving is atomic: a temporary file in
// the same directory is written, flushed to disk and renamed over the old one, so
// a process killed at any instant leaves the old file or the new one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "wsrsim/host_state.hpp"

namespace wsrsim::trace {

inline constexpr unsigned host_state_version = 1;

std::string format_host_state(const HostSnapshot& snapshot);

// The snapshot, or what is wrong with the text ("checksum mismatch: the file is
// corrupt", "line 3: ...", "version 2 is newer than this wsrsim reads (1)").
std::variant<HostSnapshot, std::string> parse_host_state(std::string_view text);

struct LoadedHostState {
    std::optional<HostSnapshot> snapshot;  // nullopt: no file there yet
    std::string error;                     // names the file; empty when loaded
};

// Reads a saved host. A missing file is no error (nothing saved yet); the file is
// never changed.
LoadedHostState load_host_state(const std::string& path);

// Saves atomically (see above); gives what failed, naming the file, or nullopt.
std::optional<std::string> save_host_state(const std::string& path, const HostSnapshot& snapshot);

}  // namespace wsrsim::trace
