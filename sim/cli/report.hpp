// What `wsrsim replay` prints for each trace: a readable summary or its JSON form.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "json.hpp"
#include "wsrsim/netsh_import.hpp"
#include "wsrsim/replay.hpp"

namespace wsrsim::cli {

// The host `--host` recreated, and what the importer and the host left out.
struct HostImport {
    std::string file;
    trace::ImportedTables tables;
    std::vector<trace::ImportNote> refused;  // filled in when a host is made
};

struct TraceReport {
    const trace::ReplaySummary& summary;
    const Host* final_host;  // nullptr if the backend has no model
};

void print_import(std::ostream& out, const HostImport& import);
void print_summary(std::ostream& out, const TraceReport& report);

void write_import(JsonWriter& json, const HostImport& import);
void write_summary(JsonWriter& json, const TraceReport& report);

}  // namespace wsrsim::cli
