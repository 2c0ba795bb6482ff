#include <cstring>

#include "wsrsim/trace_reader.hpp"

namespace wsrsim::trace {
namespace {

// Bytes read from the stream at a time; the buffer also keeps room for one
// partial line of up to longest_line_ bytes carried over from the last read.
constexpr std::size_t chunk_bytes = 256 * 1024;

std::string_view without_carriage_return(std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return text;
}

}  // namespace

LineReader::LineReader(std::istream& in, std::size_t longest_line)
    : in_(in), longest_line_(longest_line), buffer_(chunk_bytes + longest_line) {}

bool LineReader::refill() {
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
    const auto got = static_cast<std::size_t>(in_.gcount());
    end_ += got;
    if (in_.bad()) failed_ = true;
    if (got == 0) at_end_ = true;
    return got > 0;
}

std::optional<LineReader::Line> LineReader::next() {
    for (;;) {
        const char* first = buffer_.data() + begin_;
        const std::size_t available = end_ - begin_;
        if (const auto* newline = static_cast<const char*>(std::memchr(first, '\n', available))) {
            const auto length = static_cast<std::size_t>(newline - first);
            begin_ += length + 1;
            consumed_ += length + 1;
            if (skipping_) {
                skipping_ = false;
                continue;
            }
            if (length > longest_line_) return Line{{first, longest_line_}, ++number_, true};
            return Line{without_carriage_return({first, length}), ++number_, false};
        }
        if (skipping_) {
            consumed_ += available;
            begin_ = end_;
        } else if (available >= longest_line_) {
            skipping_ = true;
            begin_ += longest_line_;
            consumed_ += longest_line_;
            return Line{{first, longest_line_}, ++number_, true};
        }
        if (at_end_ || !refill()) {
            if (skipping_ || begin_ == end_) return std::nullopt;
            // The last line, without a final newline.
            const std::string_view rest{buffer_.data() + begin_, end_ - begin_};
            consumed_ += rest.size();
            begin_ = end_;
            return Line{without_carriage_return(rest), ++number_, false};
        }
    }
}

}  // namespace wsrsim::trace
