#include "wsrsim/events_csv.hpp"

#include <array>
#include <charconv>

namespace wsrsim::trace {
namespace {

// RFC 4180: a field with a comma, quote or line break goes in quotes, quotes doubled.
void append_field(std::string& row, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        row += field;
        return;
    }
    row += '"';
    for (char c : field) {
        if (c == '"') row += '"';
        row += c;
    }
    row += '"';
}

void append_number(std::string& row, std::uint64_t number) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    row.append(digits, end);
}

void append_optional(std::string& row, std::uint64_t number) {
    if (number) append_number(row, number);
}

// A real OS may answer with a code the model has no name for: keep its number.
void append_code(std::string& row, Error error) {
    if (parse_error(error_name(error))) row += error_name(error);
    else append_number(row, static_cast<std::uint64_t>(error));
}

constexpr std::size_t column_count = 9;

// Splits one CSV line into fields (quoted fields may hold commas and doubled
// quotes; line breaks inside quotes never occur in event logs). False if a quote
// is left open or the count is wrong.
bool split_row(std::string_view text, std::array<std::string, column_count>& fields) {
    std::size_t field = 0;
    std::size_t at = 0;
    for (;;) {
        if (field == column_count) return false;
        std::string& value = fields[field++];
        value.clear();
        if (at < text.size() && text[at] == '"') {
            for (++at;; ++at) {
                if (at == text.size()) return false;
                if (text[at] == '"') {
                    if (at + 1 < text.size() && text[at + 1] == '"') ++at;
                    else break;
                }
                value += text[at];
            }
            ++at;
            if (at < text.size() && text[at] != ',') return false;
        } else {
            const std::size_t end = std::min(text.find(',', at), text.size());
            value.assign(text.substr(at, end - at));
            at = end;
        }
        if (at == text.size()) return field == column_count;
        ++at;  // the comma
    }
}

// An empty field is 0.
bool read_number(std::string_view text, std::uint64_t& number) {
    number = 0;
    if (text.empty()) return true;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
    return status == std::errc{} && end == text.data() + text.size();
}

}  // namespace

EventsCsv::EventsCsv(std::ostream& out) : out_(out) {
    out_ << events_csv_header << '\n';
}

void EventsCsv::start_trace(std::string_view file) {
    trace_.clear();
    append_field(trace_, file);
}

void EventsCsv::record(const ReplayEvent& event) {
    const Outcome& outcome = event.outcome;
    row_.clear();
    append_number(row_, event.time);
    row_ += ',';
    append_number(row_, event.line);
    row_ += ',';
    append_field(row_, event.request_text);
    row_ += ',';
    append_code(row_, outcome.error);
    row_ += ',';
    append_optional(row_, outcome.token);
    row_ += ',';
    append_optional(row_, outcome.port);
    row_ += ',';
    append_optional(row_, outcome.block.start);
    row_ += ',';
    append_optional(row_, outcome.block.count);
    row_ += ',';
    row_ += trace_;
    row_ += '\n';
    out_.write(row_.data(), static_cast<std::streamsize>(row_.size()));
}

EventLog read_event_log(std::istream& in, std::string file) {
    EventLog log;
    const auto fail = [&](std::uint64_t line, std::string message) {
        log.error = TraceError{std::move(file), line, 1, std::move(message)};
        return std::move(log);
    };
    LineReader lines(in);
    std::array<std::string, column_count> fields;
    bool header_seen = false;
    while (const auto line = lines.next()) {
        if (line->number == 1) {
            header_seen = true;
            std::string_view header = line->text;
            if (header.starts_with("\xFF\xFE"))
                return fail(1, "written as UTF-16 (PowerShell's '>' does that): write it from cmd.exe, or with Out-File -Encoding ascii");
            if (header.starts_with("\xEF\xBB\xBF")) header.remove_prefix(3);  // a UTF-8 byte order mark
            if (header != events_csv_header)
                return fail(1, "not an event log: the first line must be '" + std::string(events_csv_header) + "'");
            continue;
        }
        if (line->text.empty()) continue;
        if (line->too_long) return fail(line->number, "line too long");
        if (!split_row(line->text, fields))
            return fail(line->number, "a row has 9 comma-separated fields (time,line,request,outcome,token,port,start,count,trace)");
        LoggedEvent event{.row = line->number, .request = fields[2], .outcome = fields[3], .trace = fields[8]};
        const std::array numbers{std::pair{&event.time, 0}, std::pair{&event.line, 1}, std::pair{&event.token, 4},
                                 std::pair{&event.port, 5},  std::pair{&event.start, 6}, std::pair{&event.count, 7}};
        for (const auto& [number, column] : numbers)
            if (!read_number(fields[static_cast<std::size_t>(column)], *number))
                return fail(line->number, "field " + std::to_string(column + 1) + " ('" +
                                              fields[static_cast<std::size_t>(column)] + "') is not a number");
        if (event.line == 0) return fail(line->number, "the trace line number is missing");
        if (event.outcome.empty()) return fail(line->number, "the outcome is missing");
        log.events.push_back(std::move(event));
    }
    if (lines.read_failed()) return fail(0, "reading failed");
    if (!header_seen) return fail(1, "empty: not an event log");
    return log;
}

}  // namespace wsrsim::trace
