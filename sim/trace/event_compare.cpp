#include "wsrsim/event_compare.hpp"

#include <algorithm>
#include <tuple>

namespace wsrsim::trace {
namespace {

// A line may give two rows (`@T wait w` sets the clock, then waits): they pair
// up in order, by occurrence.
struct Keyed {
    std::size_t trace;  // ordinal of the trace within its log
    std::uint64_t line;
    std::size_t occurrence;
    const LoggedEvent* event;
    auto key() const { return std::tie(trace, line, occurrence); }
};

std::vector<Keyed> keyed(const EventLog& log) {
    std::vector<Keyed> rows;
    rows.reserve(log.events.size());
    std::size_t trace = 0;
    for (const LoggedEvent& event : log.events) {
        if (!rows.empty() && event.trace != rows.back().event->trace) ++trace;
        rows.push_back(Keyed{trace, event.line, 0, &event});
    }
    std::sort(rows.begin(), rows.end(), [](const Keyed& a, const Keyed& b) {
        return std::tie(a.trace, a.line, a.event->row) < std::tie(b.trace, b.line, b.event->row);
    });
    for (std::size_t k = 1; k < rows.size(); ++k)
        if (rows[k].trace == rows[k - 1].trace && rows[k].line == rows[k - 1].line)
            rows[k].occurrence = rows[k - 1].occurrence + 1;
    return rows;
}

bool same_outcome(const LoggedEvent& a, const LoggedEvent& b, const CompareOptions& options) {
    if (a.outcome != b.outcome || a.count != b.count) return false;
    return !options.positions || (a.start == b.start && a.port == b.port);
}

}  // namespace

EventComparison compare_events(const EventLog& first, const EventLog& second, const CompareOptions& options) {
    EventComparison result;
    const std::vector<Keyed> a = keyed(first);
    const std::vector<Keyed> b = keyed(second);
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() || j != b.end()) {
        if (j == b.end() || (i != a.end() && i->key() < j->key())) {
            result.differences.push_back(EventDifference{i++->event, nullptr});
        } else if (i == a.end() || j->key() < i->key()) {
            result.differences.push_back(EventDifference{nullptr, j++->event});
        } else {
            const LoggedEvent& x = *i++->event;
            const LoggedEvent& y = *j++->event;
            if (x.request != y.request) {
                result.mismatch = "trace line " + std::to_string(x.line) + " is '" + x.request + "' in one log and '" +
                                  y.request + "' in the other: the logs are of different traces";
                return result;
            }
            ++result.compared;
            if (!same_outcome(x, y, options)) result.differences.push_back(EventDifference{&x, &y});
        }
    }
    return result;
}

std::string describe_compared(const LoggedEvent* event, const CompareOptions& options) {
    if (!event) return "(missing)";
    std::string text = event->outcome;
    if (options.positions && event->start) text += " start=" + std::to_string(event->start);
    if (event->count) text += " count=" + std::to_string(event->count);
    if (options.positions && event->port) text += " port=" + std::to_string(event->port);
    return text;
}

}  // namespace wsrsim::trace
