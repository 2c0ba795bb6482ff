#include "report.hpp"

#include <iomanip>

#include "wsrsim/netsh.hpp"

namespace wsrsim::cli {
namespace {

std::string plural(std::uint64_t count, std::string_view one, std::string_view many) {
    return std::to_string(count) + ' ' + std::string(count == 1 ? one : many);
}

void print_notes(std::ostream& out, std::string_view title, const std::vector<trace::ImportNote>& notes) {
    if (notes.empty()) return;
    out << "  " << title << ":\n";
    for (const trace::ImportNote& note : notes)
        out << "    line " << note.line << ": " << note.reason << ": " << note.text << '\n';
}

void print_codes(std::ostream& out, const std::vector<trace::CodeCount>& codes) {
    for (const trace::CodeCount& code : codes)
        out << "  " << std::left << std::setw(26) << error_name(code.error) << code.count << '\n';
}

std::string status_of(const trace::ReplaySummary& summary) {
    std::string status;
    if (summary.error) status = "stopped by a trace error; before it, ";
    else if (summary.read_failed) status = "stopped: the file could not be read to its end; before that, ";
    if (summary.expectations_unmet)
        return status + plural(summary.expectations_unmet, "unmet expectation", "unmet expectations") + " of " +
               std::to_string(summary.expectations_checked);
    if (summary.expectations_checked)
        return status + "every expectation met (" + std::to_string(summary.expectations_checked) + " checked)";
    return status + "no expectations to check";
}

void write_notes(JsonWriter& json, std::string_view key, const std::vector<trace::ImportNote>& notes) {
    json.key(key).begin_array();
    for (const trace::ImportNote& note : notes)
        json.begin_object()
            .key("line").value(note.line)
            .key("text").value(note.text)
            .key("reason").value(note.reason)
            .end_object();
    json.end_array();
}

void write_codes(JsonWriter& json, const std::vector<trace::CodeCount>& codes) {
    json.begin_object();
    for (const trace::CodeCount& code : codes) json.key(error_name(code.error)).value(code.count);
    json.end_object();
}

}  // namespace

void print_import(std::ostream& out, const HostImport& import) {
    std::uint64_t administered = 0;
    for (const trace::ImportedRow& row : import.tables.rows) administered += row.administered;
    out << "host from " << import.file << ": " << plural(import.tables.rows.size(), "row", "rows") << " ("
        << administered << " administered), "
        << plural(import.tables.dynamic_ranges.size(), "dynamic range", "dynamic ranges") << '\n';
    print_notes(out, "skipped lines", import.tables.skipped);
    print_notes(out, "rows with remarks", import.tables.remarks);
    print_notes(out, "not recreated", import.refused);
    out << '\n';
}

void print_summary(std::ostream& out, const TraceReport& report) {
    const trace::ReplaySummary& s = report.summary;
    out << "== " << s.file << " ==\n"
        << plural(s.requests, "request", "requests") << " on " << plural(s.lines, "line", "lines") << ": "
        << status_of(s) << '\n';
    if (s.error) out << "  " << trace::describe(*s.error) << '\n';

    out << "\nrequests by kind\n";
    for (std::size_t kind = 0; kind < s.requests_by_kind.size(); ++kind)
        if (s.requests_by_kind[kind])
            out << "  " << std::left << std::setw(26) << trace::request_kind_name(kind) << s.requests_by_kind[kind]
                << '\n';
    out << "\noutcomes by code\n";
    print_codes(out, s.outcomes);

    if (s.expectations_unmet) {
        out << "\nunmet expectations\n";
        for (const trace::UnmetExpectation& unmet : s.unmet)
            out << "  " << s.file << ':' << unmet.line << ": expected " << unmet.expected << ", got " << unmet.actual
                << '\n';
        if (s.unmet.size() < s.expectations_unmet)
            out << "  ... and " << s.expectations_unmet - s.unmet.size() << " more\n";
    }

    if (s.has_peaks) {
        out << "\npeak\n";
        for (Transport transport : all_transports) {
            const trace::TransportPeak& peak = s.peaks[static_cast<std::size_t>(transport)];
            out << "  " << transport_name(transport) << "  " << plural(peak.reservations, "reservation", "reservations")
                << ", " << plural(peak.reserved_ports, "reserved port", "reserved ports") << ", "
                << plural(peak.bound_sockets, "bound socket", "bound sockets") << '\n';
        }
    }

    out << "\nfailed wildcard requests: " << s.failed_wildcards << '\n';
    if (s.failed_wildcards) {
        print_codes(out, s.failed_wildcards_by_code);
        out << "  at lines";
        for (std::uint64_t line : s.failed_wildcard_lines) out << ' ' << line;
        if (s.failed_wildcard_lines.size() < s.failed_wildcards) out << " ...";
        out << '\n';
    }

    if (report.final_host) {
        out << "\nfinal state: netsh int ipv4 show excludedportrange\n";
        for (Transport transport : all_transports) out << netsh::show_excluded_port_range(*report.final_host, transport);
    }
    out << '\n';
}

void write_import(JsonWriter& json, const HostImport& import) {
    json.begin_object().key("file").value(import.file);
    json.key("rows").begin_array();
    for (const trace::ImportedRow& row : import.tables.rows)
        json.begin_object()
            .key("line").value(row.line)
            .key("protocol").value(transport_name(row.transport))
            .key("start").value(std::uint64_t{row.block.start})
            .key("end").value(std::uint64_t{row.block.last()})
            .key("administered").value(row.administered)
            .end_object();
    json.end_array();
    json.key("dynamic_ranges").begin_array();
    for (const trace::ImportedRange& range : import.tables.dynamic_ranges)
        json.begin_object()
            .key("line").value(range.line)
            .key("protocol").value(transport_name(range.transport))
            .key("start").value(std::uint64_t{range.range.start})
            .key("count").value(std::uint64_t{range.range.count})
            .end_object();
    json.end_array();
    write_notes(json, "skipped", import.tables.skipped);
    write_notes(json, "remarks", import.tables.remarks);
    write_notes(json, "not_recreated", import.refused);
    json.end_object();
}

void write_summary(JsonWriter& json, const TraceReport& report) {
    const trace::ReplaySummary& s = report.summary;
    json.begin_object()
        .key("file").value(s.file)
        .key("exit_code").value(std::uint64_t(s.exit_code()))
        .key("lines").value(s.lines)
        .key("requests").value(s.requests);
    json.key("requests_by_kind").begin_object();
    for (std::size_t kind = 0; kind < s.requests_by_kind.size(); ++kind)
        if (s.requests_by_kind[kind]) json.key(trace::request_kind_name(kind)).value(s.requests_by_kind[kind]);
    json.end_object();
    json.key("outcomes");
    write_codes(json, s.outcomes);

    json.key("expectations").begin_object()
        .key("checked").value(s.expectations_checked)
        .key("unmet").value(s.expectations_unmet)
        .key("unmet_listed").begin_array();
    for (const trace::UnmetExpectation& unmet : s.unmet)
        json.begin_object()
            .key("line").value(unmet.line)
            .key("expected").value(unmet.expected)
            .key("actual").value(unmet.actual)
            .end_object();
    json.end_array().end_object();

    json.key("peak");
    if (s.has_peaks) {
        json.begin_object();
        for (Transport transport : all_transports) {
            const trace::TransportPeak& peak = s.peaks[static_cast<std::size_t>(transport)];
            json.key(transport_name(transport)).begin_object()
                .key("reservations").value(std::uint64_t{peak.reservations})
                .key("reserved_ports").value(std::uint64_t{peak.reserved_ports})
                .key("bound_sockets").value(std::uint64_t{peak.bound_sockets})
                .end_object();
        }
        json.end_object();
    } else {
        json.null();
    }

    json.key("failed_wildcards").begin_object().key("count").value(s.failed_wildcards).key("by_code");
    write_codes(json, s.failed_wildcards_by_code);
    json.key("lines").begin_array();
    for (std::uint64_t line : s.failed_wildcard_lines) json.value(line);
    json.end_array().end_object();

    json.key("trace_error");
    if (s.error)
        json.begin_object()
            .key("file").value(s.error->file)
            .key("line").value(s.error->line)
            .key("column").value(std::uint64_t{s.error->column})
            .key("message").value(s.error->message)
            .end_object();
    else
        json.null();
    json.key("read_failed").value(s.read_failed);

    json.key("final_state");
    if (report.final_host) {
        json.begin_object();
        for (Transport transport : all_transports) {
            json.key(transport_name(transport)).begin_object();
            const DynamicRange range = report.final_host->dynamic_range(transport);
            json.key("dynamic_range").begin_object()
                .key("start").value(std::uint64_t{range.start})
                .key("count").value(std::uint64_t{range.count})
                .end_object();
            json.key("excluded_port_ranges").begin_array();
            for (const ReservationView& r : report.final_host->reservations(transport))
                json.begin_object()
                    .key("start").value(std::uint64_t{r.block.start})
                    .key("end").value(std::uint64_t{r.block.last()})
                    .key("administered").value(is_administered(r.kind))
                    .end_object();
            json.end_array();
            json.key("netsh").value(netsh::show_excluded_port_range(*report.final_host, transport));
            json.end_object();
        }
        json.end_object();
    } else {
        json.null();
    }
    json.end_object();
}

}  // namespace wsrsim::cli
