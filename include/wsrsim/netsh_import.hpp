// Recreating a host from a user's pasted `netsh int ipv4 show excludedportrange`
// and `show dynamicport` output (SPEC §9 "Importing").
//
// Pasted tables come indented, with trailing spaces or CRLF line ends, under a
// shell prompt, without title or footer, with headings in the user's language,
// with remarks after a row, or cut short. The reader is driven by what does not
// change with the language: a row is two port numbers and an optional `*`; a
// line naming tcp or udp (a title, `protocol=udp`, a prompt) switches the
// protocol; `label : number` lines are the dynamic range, start first. Every
// other non-blank line is skipped and listed with the reason.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "wsrsim/backend.hpp"

namespace wsrsim::trace {

struct ImportedRow {
    std::uint64_t line;
    Transport transport;
    PortBlock block;
    bool administered;  // marked `*`
};

struct ImportedRange {
    std::uint64_t line;  // of its "Number of Ports" line
    Transport transport;
    DynamicRange range;
};

// A line the importer did not take whole, and why.
struct ImportNote {
    std::uint64_t line;
    std::string text;
    std::string reason;
};

struct ImportedTables {
    std::vector<ImportedRow> rows;  // in the order read
    std::vector<ImportedRange> dynamic_ranges;
    std::vector<ImportNote> skipped;  // lines not read at all
    std::vector<ImportNote> remarks;  // rows read, with text after them left out
    bool read_failed = false;          // the stream broke off before its end
};

// Reads pasted netsh output. Rows before any line naming a protocol are taken
// as `default_transport` (a paste without its title).
ImportedTables read_netsh_tables(std::istream& in, Transport default_transport = Transport::tcp);

// The process that holds imported runtime reservations (SPEC §9).
inline constexpr Pid system_pid = 4;

// Recreates the tables on a backend's fresh host: the dynamic ranges, then
// `*` rows as persistent reservations and the others as runtime reservations of
// pid 4 "System", each on a socket of its own. Gives the rows and ranges the
// host refused, and why.
std::vector<ImportNote> recreate_host(Backend& backend, const ImportedTables& tables);

}  // namespace wsrsim::trace
