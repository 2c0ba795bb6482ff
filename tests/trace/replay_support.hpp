// Helpers for the trace tests: replaying text and reading parse errors.
#pragma once

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "wsrsim/replay.hpp"

namespace wsrsim::test {

struct Replayed {
    std::unique_ptr<trace::ModelHost> model = std::make_unique<trace::ModelHost>();
    trace::ReplaySummary summary;

    const Host& host() const { return *model->host(); }
};

inline Replayed replay_text(std::string_view text, trace::ReplayOptions options = {}) {
    Replayed replayed;
    std::istringstream in{std::string(text)};
    if (options.file == "<trace>") options.file = "test.trace";
    replayed.summary = trace::replay(in, replayed.model->factory(), options);
    return replayed;
}

// The trace error of a text, or nullopt if it replays without one.
inline std::optional<trace::TraceError> trace_error(std::string_view text) {
    return replay_text(text).summary.error;
}

}  // namespace wsrsim::test
