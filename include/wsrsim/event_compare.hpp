// Lines two event logs of one trace up by trace line (`wsrsim compare`): with the
// model's log on one side and a Windows run on the other, this is the fidelity report.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "wsrsim/events_csv.hpp"

namespace wsrsim::trace {

struct CompareOptions {
    // Also compare ports and block starts. Off by default: where a wildcard block or
    // an ephemeral port lands is policy, and differs from host to host.
    bool positions = false;
};

// A request whose outcomes differ, or that only one log has (the other is null).
struct EventDifference {
    const LoggedEvent* first;
    const LoggedEvent* second;
};

struct EventComparison {
    std::size_t compared = 0;  // requests present in both logs
    std::vector<EventDifference> differences;  // in trace order
    // The logs are of different traces: the same line holds different requests.
    std::optional<std::string> mismatch;
};

// Rows are keyed by trace line, and by trace where a log holds several (the n-th
// trace of one log goes with the n-th of the other). The logs must outlive the result.
EventComparison compare_events(const EventLog& first, const EventLog& second, const CompareOptions& options);

// "NO_ERROR count=20", "WSAEINVAL", "(missing)": an outcome as compared.
std::string describe_compared(const LoggedEvent* event, const CompareOptions& options);

}  // namespace wsrsim::trace
