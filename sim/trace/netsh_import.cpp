#include "wsrsim/netsh_import.hpp"

#include <optional>
#include <tuple>

#include "text.hpp"
#include "wsrsim/trace_reader.hpp"

namespace wsrsim::trace {
namespace {

constexpr std::string_view fullwidth_colon = "\xEF\xBC\x9A";  // Chinese and Japanese tables use it

std::string_view trimmed(std::string_view line) {
    while (!line.empty() && text::is_blank(line.front())) line.remove_prefix(1);
    while (!line.empty() && text::is_blank(line.back())) line.remove_suffix(1);
    return line;
}

// The first word of `line` and what follows it (both trimmed).
std::pair<std::string_view, std::string_view> first_word(std::string_view line) {
    line = trimmed(line);
    std::size_t end = 0;
    while (end < line.size() && !text::is_blank(line[end])) ++end;
    return {line.substr(0, end), trimmed(line.substr(end))};
}

// tcp or udp as a word of its own ("Protocol tcp ...", "show dynamicport udp") or
// after '=' ("protocol=udp"), in any case.
std::optional<Transport> protocol_named(std::string_view line) {
    for (auto [word, rest] = first_word(line); !word.empty(); std::tie(word, rest) = first_word(rest)) {
        if (const auto equals = word.rfind('='); equals != std::string_view::npos) word.remove_prefix(equals + 1);
        for (Transport transport : all_transports)
            if (text::equals_ignoring_case(word, transport_name(transport))) return transport;
    }
    return std::nullopt;
}

// The number after the last colon of a `label : number` line.
std::optional<std::string_view> labelled_number(std::string_view line) {
    const auto ascii = line.rfind(':');
    const auto wide = line.rfind(fullwidth_colon);
    std::size_t after = std::string_view::npos;
    if (ascii != std::string_view::npos) after = ascii + 1;
    if (wide != std::string_view::npos && (after == std::string_view::npos || wide + fullwidth_colon.size() > after))
        after = wide + fullwidth_colon.size();
    if (after == std::string_view::npos) return std::nullopt;
    const std::string_view value = trimmed(line.substr(after));
    if (!text::all_digits(value)) return std::nullopt;
    return value;
}

bool has_digit(std::string_view line) {
    for (char c : line)
        if (text::is_digit(c)) return true;
    return false;
}

class TableReader {
public:
    explicit TableReader(Transport default_transport) : transport_(default_transport) {}

    void read(std::uint64_t number, std::string_view line) {
        if (trimmed(line).empty()) return;
        if (read_row(number, line) || read_dynamic(number, line)) return;
        if (const auto transport = protocol_named(line)) {
            end_section();
            transport_ = *transport;
            return;
        }
        skip(number, line, has_digit(line) ? "not a table row" : "a heading, footer or prompt");
    }

    ImportedTables finish() {
        end_section();
        return std::move(tables_);
    }

    void skip(std::uint64_t number, std::string_view line, std::string reason) {
        tables_.skipped.push_back(ImportNote{number, std::string(trimmed(line)), std::move(reason)});
    }

private:
    // "START END [*] [remark]". Gives false if the line does not start with a number.
    bool read_row(std::uint64_t number, std::string_view line) {
        const auto [first, rest] = first_word(line);
        if (!text::all_digits(first)) return false;
        const auto [second, tail] = first_word(rest);
        if (!text::all_digits(second)) {
            skip(number, line, second.empty() ? "only a start port: the row is cut short" : "not a table row");
            return true;
        }
        const auto start = text::to_number<std::uint32_t>(first);
        const auto last = text::to_number<std::uint32_t>(second);
        if (!start || !last || *start > highest_port || *last > highest_port) {
            skip(number, line, "a port above 65535");
            return true;
        }
        if (*start == 0) {
            skip(number, line, "port 0 does not exist");
            return true;
        }
        if (*last < *start) {
            skip(number, line, "the end port is below the start port (cut short?)");
            return true;
        }
        const PortBlock block{static_cast<Port>(*start), static_cast<Port>(*last - *start + 1)};
        for (const ImportedRow& row : tables_.rows) {
            if (row.transport == transport_ && row.block.overlaps(block)) {
                skip(number, line, "overlaps the row on line " + std::to_string(row.line));
                return true;
            }
        }
        const bool administered = !tail.empty() && tail.front() == '*';
        const std::string_view remark = administered ? trimmed(tail.substr(1)) : tail;
        tables_.rows.push_back(ImportedRow{number, transport_, block, administered});
        if (!remark.empty())
            tables_.remarks.push_back(ImportNote{number, std::string(trimmed(line)),
                                                 "row read; the text after it left out"});
        return true;
    }

    // "Start Port : N" then "Number of Ports : N", in whatever language.
    bool read_dynamic(std::uint64_t number, std::string_view line) {
        const auto value = labelled_number(line);
        if (!value) return false;
        const auto parsed = text::to_number<std::uint32_t>(*value);
        if (!parsed) {
            skip(number, line, "a number too large");
            return true;
        }
        if (!dynamic_start_) {
            dynamic_start_ = ImportNote{number, std::string(trimmed(line)), {}};
            dynamic_start_value_ = *parsed;
            return true;
        }
        tables_.dynamic_ranges.push_back(
            ImportedRange{number, transport_, DynamicRange{dynamic_start_value_, *parsed}});
        dynamic_start_.reset();
        return true;
    }

    void end_section() {
        if (!dynamic_start_) return;
        dynamic_start_->reason = "a dynamic range start without its number of ports (cut short?)";
        tables_.skipped.push_back(std::move(*dynamic_start_));
        dynamic_start_.reset();
    }

    Transport transport_;
    ImportedTables tables_;
    std::optional<ImportNote> dynamic_start_;
    std::uint32_t dynamic_start_value_ = 0;
};

std::string describe_row(const ImportedRow& row) {
    return std::string(transport_name(row.transport)) + ' ' + std::to_string(row.block.start) + '-' +
           std::to_string(row.block.last()) + (row.administered ? " *" : "");
}

}  // namespace

ImportedTables read_netsh_tables(std::istream& in, Transport default_transport) {
    LineReader lines(in);
    TableReader reader(default_transport);
    while (const auto line = lines.next()) {
        if (line->too_long) reader.skip(line->number, line->text.substr(0, 80), "a line too long for a table");
        else reader.read(line->number, line->text);
    }
    ImportedTables tables = reader.finish();
    tables.read_failed = lines.read_failed();
    return tables;
}

std::vector<ImportNote> recreate_host(Backend& backend, const ImportedTables& tables) {
    std::vector<ImportNote> refused;
    const auto refuse = [&](std::uint64_t line, std::string what, Error error) {
        refused.push_back(ImportNote{line, std::move(what),
                                     "refused by the host: " + std::string(error_name(error))});
    };
    for (const ImportedRange& dynamic : tables.dynamic_ranges) {
        const Outcome set = backend.apply(req::SetDynamicRange{dynamic.transport, dynamic.range.start,
                                                               dynamic.range.count});
        if (!set.ok())
            refuse(dynamic.line, "dynamic " + std::string(transport_name(dynamic.transport)) + ' ' +
                                     std::to_string(dynamic.range.start) + ' ' + std::to_string(dynamic.range.count),
                   set.error);
    }
    if (tables.rows.empty()) return refused;
    if (const Outcome system = backend.apply(req::CreateProcess{system_pid, true, "System"}); !system.ok()) {
        refuse(tables.rows.front().line, "process 4 System", system.error);
        return refused;
    }
    for (const ImportedRow& row : tables.rows) {
        Outcome made;
        if (row.administered) {
            made = backend.apply(req::PersistCreate{system_pid, row.transport, row.block, ReservationKind::persistent});
        } else {
            const SocketKind kind = row.transport == Transport::tcp ? SocketKind::tcp : SocketKind::udp;
            const SocketHandle socket = backend.apply(req::OpenSocket{system_pid, kind, {}}).socket;
            made = backend.apply(req::Acquire{socket, row.block, IoMode::sync});
            if (!made.ok()) backend.apply(req::CloseSocket{socket});
        }
        if (!made.ok()) refuse(row.line, describe_row(row), made.error);
    }
    return refused;
}

}  // namespace wsrsim::trace
