// `--progress`: a bar on standard error with events per second.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "wsrsim/replay.hpp"

namespace wsrsim::cli {

class ProgressBar final : public trace::ProgressSink {
public:
    // total_bytes: the trace's size, if known (not for a pipe).
    ProgressBar(std::string label, std::optional<std::uint64_t> total_bytes);
    ~ProgressBar() override;
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void update(const trace::ReplayProgress& progress) override;

private:
    using Clock = std::chrono::steady_clock;

    std::string label_;
    std::optional<std::uint64_t> total_bytes_;
    Clock::time_point started_ = Clock::now();
    Clock::time_point last_drawn_{};
    bool drawn_ = false;
};

}  // namespace wsrsim::cli
