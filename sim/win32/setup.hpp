// How the environment configures the process-wide model host. It is read once,
// when the host is first needed (WSAStartup, or a persistent-reservation call).
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "wsrsim/host.hpp"
#include "wsrsim/netsh_import.hpp"

namespace wsrsim::win32 {

struct Setup {
    HostConfig host;          // WSRSIM_SEED, WSRSIM_POLICY, WSRSIM_LIMITS
    bool elevated = false;    // WSRSIM_ELEVATED=1: the first process is elevated
    std::string record_path;  // WSRSIM_RECORD: write every call as a trace line
    std::string host_table;   // WSRSIM_HOST: start from an imported netsh table
};

// An environment variable's value, or null when it is unset.
using Environment = std::function<const char*(const char*)>;

// The setup, or a message that names the variable at fault.
std::variant<Setup, std::string> read_setup(const Environment& variable);

// The tables of a pasted netsh output (WSRSIM_HOST), or a message when the file
// cannot be read. Lines the importer skipped are listed in the tables.
std::variant<trace::ImportedTables, std::string> read_host_table(const std::string& path);

}  // namespace wsrsim::win32
