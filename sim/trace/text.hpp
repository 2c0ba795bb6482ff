// Small text helpers of the trace layer: splitting a line into words, decimal
// numbers, and quoting what a user wrote back to them.
#pragma once

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <new>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace wsrsim::trace::text {

// What ends a word, by byte: one table load per byte instead of five compares.
enum : std::uint8_t { blank_byte = 1, comment_byte = 2 };
inline constexpr auto byte_classes = [] {
    std::array<std::uint8_t, 256> classes{};
    for (unsigned char c : {' ', '\t', '\r', '\v', '\f'}) classes[c] = blank_byte;
    classes[static_cast<unsigned char>('#')] = comment_byte;
    return classes;
}();
inline std::uint8_t byte_class(char c) { return byte_classes[static_cast<unsigned char>(c)]; }
inline bool is_blank(char c) { return byte_class(c) == blank_byte; }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The end of the word starting at `at`: the first blank or '#' from there, or `end`.
// Eight bytes at a time while eight remain, so a word costs one branch, not one
// per byte: a byte below '$' (0x24) is a candidate, which the byte table then
// confirms (control bytes other than blanks belong to words).
inline const char* word_end(const char* at, const char* const end) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    while (std::endian::native == std::endian::little && end - at >= 8) {
        std::uint64_t bytes;
        std::memcpy(&bytes, at, 8);
        // The lowest flagged byte is the first one below '$' (higher flags may be borrows).
        const std::uint64_t below = (bytes - ones * '$') & ~bytes & high_bits;
        if (below == 0) {
            at += 8;
            continue;
        }
        at += std::countr_zero(below) / 8;  // the lowest byte comes first
        if (byte_class(*at) != 0) return at;
        ++at;
    }
    while (at != end && byte_class(*at) == 0) ++at;
    return at;
}

struct Word {
    std::string_view text;
    std::uint32_t column;  // from 1
    bool set_off;          // two or more blanks, or a tab, before it
};

// The words of a line up to a '#' comment, in a fixed array: splitting never allocates.
class Words {
public:
    static constexpr std::size_t capacity = 32;

    explicit Words(std::string_view line) {
        const char* const first = line.data();
        const char* const end = first + line.size();
        const char* at = first;
        const char* previous_end = first;
        std::size_t count = 0;
        for (;;) {
            while (at != end && is_blank(*at)) ++at;
            if (at == end || *at == '#') break;
            const char* const start = at;
            at = word_end(at, end);
            if (count == capacity) {
                overflow_column_ = static_cast<std::uint32_t>(start - first + 1);
                break;
            }
            if (*start == '=' && arrow_ == capacity && at - start >= 2 && start[1] == '>') arrow_ = count;
            // Set off: two blanks or more before it, or a tab.
            const bool set_off = start - previous_end >= 2 || (start != first && start[-1] == '\t');
            ::new (&slots_[count++].word) Word{std::string_view(start, static_cast<std::size_t>(at - start)),
                                               static_cast<std::uint32_t>(start - first + 1), set_off};
            previous_end = at;
        }
        count_ = count;
    }

    std::size_t size() const { return count_; }
    const Word& operator[](std::size_t i) const { return slots_[i].word; }
    // The index of the first word beginning with "=>" (an expectation's arrow, or a
    // misspelt one), size() if none.
    std::size_t arrow() const { return std::min(arrow_, count_); }
    // The column of the first word past the capacity, 0 if none.
    std::uint32_t overflow_column() const { return overflow_column_; }

private:
    // Slots are left uninitialized (a Word's string_view would zero itself): a
    // line sets only the few words it has.
    union Slot {
        Slot() {}
        Word word;
    };
    Slot slots_[capacity];
    std::size_t count_ = 0;
    std::size_t arrow_ = capacity;
    std::uint32_t overflow_column_ = 0;
};

// A decimal number made of digits only (no sign, no blanks), if it fits in T.
template <class T>
std::optional<T> to_number(std::string_view digits) {
    static_assert(std::is_unsigned_v<T> && sizeof(T) <= sizeof(std::uint64_t));
    if (digits.empty() || digits.size() > 20) return std::nullopt;
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const auto digit = static_cast<unsigned>(digits[i] - '0');
        if (digit > 9) return std::nullopt;
        // Twenty digits may pass 2^64 - 1: checked only at the last one.
        if (i == 19 && (value > (UINT64_MAX - digit) / 10)) return std::nullopt;
        value = value * 10 + digit;
    }
    if (value > std::numeric_limits<T>::max()) return std::nullopt;
    return static_cast<T>(value);
}

inline bool all_digits(std::string_view word) {
    if (word.empty()) return false;
    for (char c : word)
        if (!is_digit(c)) return false;
    return true;
}

// The word in quotes with unprintable bytes as \xNN, cut after `limit` bytes:
// binary junk in a trace must not end up raw in a message.
inline std::string quoted(std::string_view word, std::size_t limit = 40) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "'";
    for (std::size_t i = 0; i < word.size() && i < limit; ++i) {
        const auto c = static_cast<unsigned char>(word[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (word.size() > limit) out += "...";
    out += '\'';
    return out;
}

inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

}  // namespace wsrsim::trace::text
