#include "progress_bar.hpp"

#include <algorithm>

namespace wsrsim::cli {
namespace {

// Redrawing more often than this only costs time.
constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr int bar_width = 30;

std::string rate_text(double per_second) {
    char text[32];
    if (per_second >= 1e6) std::snprintf(text, sizeof text, "%.2fM", per_second / 1e6);
    else if (per_second >= 1e3) std::snprintf(text, sizeof text, "%.1fk", per_second / 1e3);
    else std::snprintf(text, sizeof text, "%.0f", per_second);
    return text;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::optional<std::uint64_t> total_bytes)
    : label_(std::move(label)), total_bytes_(total_bytes) {}

ProgressBar::~ProgressBar() {
    if (drawn_) std::fputs("\r\033[K", stderr);  // leave the terminal line clean
}

void ProgressBar::update(const trace::ReplayProgress& progress) {
    const Clock::time_point now = Clock::now();
    if (drawn_ && now - last_drawn_ < redraw_interval) return;
    last_drawn_ = now;
    drawn_ = true;
    const double seconds = std::max(1e-9, std::chrono::duration<double>(now - started_).count());
    const std::string rate = rate_text(static_cast<double>(progress.requests) / seconds);
    if (total_bytes_ && *total_bytes_ > 0) {
        const double done = std::min(1.0, static_cast<double>(progress.bytes) / static_cast<double>(*total_bytes_));
        const int filled = static_cast<int>(done * bar_width);
        std::fprintf(stderr, "\r%s [%.*s%*s] %3.0f%%  %llu lines  %s events/s\033[K", label_.c_str(), filled,
                     "##############################", bar_width - filled, "", done * 100,
                     static_cast<unsigned long long>(progress.lines), rate.c_str());
    } else {
        std::fprintf(stderr, "\r%s %llu lines  %s events/s\033[K", label_.c_str(),
                     static_cast<unsigned long long>(progress.lines), rate.c_str());
    }
    std::fflush(stderr);
}

}  // namespace wsrsim::cli
