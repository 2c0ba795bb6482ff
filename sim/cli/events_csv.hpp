// `--events FILE.csv`: one row per request served.
//   time,line,request,outcome,token,port,start,count,trace
// time is the virtual clock (ns) after the request; outcome the Windows code name
// (NO_ERROR, WSA_IO_PENDING, WSAEACCES, ...); token, port, start and count are
// empty where the request gave none.
#pragma once

#include <ostream>
#include <string>

#include "wsrsim/replay.hpp"

namespace wsrsim::cli {

class EventsCsv final : public trace::EventSink {
public:
    explicit EventsCsv(std::ostream& out);
    void start_trace(std::string_view file);
    void record(const trace::ReplayEvent& event) override;

private:
    std::ostream& out_;
    std::string trace_;  // the trace column, quoted once per trace
    std::string row_;    // reused for every row
};

}  // namespace wsrsim::cli
