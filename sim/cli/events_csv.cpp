#include "events_csv.hpp"

#include <charconv>

namespace wsrsim::cli {
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

}  // namespace

EventsCsv::EventsCsv(std::ostream& out) : out_(out) {
    out_ << "time,line,request,outcome,token,port,start,count,trace\n";
}

void EventsCsv::start_trace(std::string_view file) {
    trace_.clear();
    append_field(trace_, file);
}

void EventsCsv::record(const trace::ReplayEvent& event) {
    const Outcome& outcome = event.outcome;
    row_.clear();
    append_number(row_, event.time);
    row_ += ',';
    append_number(row_, event.line);
    row_ += ',';
    append_field(row_, event.request_text);
    row_ += ',';
    row_ += error_name(outcome.error);
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

}  // namespace wsrsim::cli
