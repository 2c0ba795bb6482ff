// Event logs: `wsrsim replay --events FILE.csv` and wsrsim-probe.exe write one row
// per request served, so a model run and a Windows run of one trace line up.
//   time,line,request,outcome,token,port,start,count,trace
// time is the virtual clock (ns) after the request; outcome the Windows code name
// (NO_ERROR, WSA_IO_PENDING, WSAEACCES, ...), or its decimal number for a code the
// model does not know; token, port, start and count are empty where the request
// gave none.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "wsrsim/replay.hpp"

namespace wsrsim::trace {

inline constexpr std::string_view events_csv_header = "time,line,request,outcome,token,port,start,count,trace";

class EventsCsv final : public EventSink {
public:
    explicit EventsCsv(std::ostream& out);
    void start_trace(std::string_view file);
    void record(const ReplayEvent& event) override;

private:
    std::ostream& out_;
    std::string trace_;  // the trace column, quoted once per trace
    std::string row_;    // reused for every row
};

// One row of an event log, read back. Numbers the row left empty are 0.
struct LoggedEvent {
    std::uint64_t row = 0;  // line of the CSV file, for messages
    std::uint64_t time = 0;
    std::uint64_t line = 0;  // line of the trace
    std::string request;
    std::string outcome;
    std::uint64_t token = 0;
    std::uint64_t port = 0;
    std::uint64_t start = 0;
    std::uint64_t count = 0;
    std::string trace;
};

struct EventLog {
    std::vector<LoggedEvent> events;
    std::optional<TraceError> error;  // names the file and the CSV line
};

// Reads a whole log; a missing header, a row of the wrong shape or a bad number
// is an error naming `file` and the line.
EventLog read_event_log(std::istream& in, std::string file);

}  // namespace wsrsim::trace
