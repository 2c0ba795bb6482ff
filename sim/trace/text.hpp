// Small text helpers of the trace layer: classifying bytes, finding where words
// end, decimal numbers, and quoting what a user wrote back to them.
#pragma once

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace wsrsim::trace::text {

// Bytes by what they can be in a trace line: one table load per byte instead of
// a chain of compares.
enum : std::uint8_t {
    blank_byte = 1,       // separates words
    comment_byte = 2,     // '#': the rest of the line is a comment
    name_first_byte = 4,  // may start a name: a letter or '_'
    name_byte = 8,        // may continue a name: a letter, a digit, '_', '-', '.'
    part_end_byte = 16,   // '#' or '=': may end the words of a part (a comment, an arrow)
};
inline constexpr auto byte_classes = [] {
    std::array<std::uint8_t, 256> classes{};
    for (unsigned char c : {' ', '\t', '\r', '\v', '\f'}) classes[c] = blank_byte;
    classes[static_cast<unsigned char>('#')] = comment_byte | part_end_byte;
    classes[static_cast<unsigned char>('=')] = part_end_byte;
    for (int c = 0; c < 256; ++c) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (letter) classes[c] = name_first_byte | name_byte;
        if ((c >= '0' && c <= '9') || c == '-' || c == '.') classes[c] = name_byte;
    }
    return classes;
}();
inline std::uint8_t byte_class(char c) { return byte_classes[static_cast<unsigned char>(c)]; }
inline bool is_blank(char c) { return byte_class(c) == blank_byte; }
// A blank or a '#' ends the word before it.
inline bool ends_word(char c) { return (byte_class(c) & (blank_byte | comment_byte)) != 0; }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A letter or '_', then letters, digits, '_', '-', '.'.
inline bool is_name(std::string_view word) {
    if (word.empty() || !(byte_class(word.front()) & name_first_byte)) return false;
    for (char c : word.substr(1))
        if (!(byte_class(c) & name_byte)) return false;
    return true;
}

// Flags the bytes below '$' (0x24) in eight bytes: candidates for the end of a
// word, which the byte table then confirms (control bytes other than blanks
// belong to words). The lowest flag is exact; higher ones may be borrows.
inline std::uint64_t below_dollar(std::uint64_t bytes) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    return (bytes - ones * '$') & ~bytes & high_bits;
}

// The eight bytes from `at` on as one little-endian number, zeros past `end`, in
// one load: from `at` while eight bytes are left, else the line's last eight
// shifted down. Nothing on a big-endian machine or for a line (from `begin`)
// shorter than eight bytes: callers then go byte by byte.
inline std::optional<std::uint64_t> eight_bytes(const char* begin, const char* at, const char* end) {
    if constexpr (std::endian::native != std::endian::little) return std::nullopt;
    std::uint64_t bytes;
    if (end - at >= 8) {
        std::memcpy(&bytes, at, 8);
        return bytes;
    }
    if (end - begin < 8 || at == end) return std::nullopt;
    std::memcpy(&bytes, end - 8, 8);
    return bytes >> (8 * (8 - (end - at)));
}

// The end of the word starting at `at` in the line from `begin`: the first blank
// or '#' from there, or `end`. Eight bytes at a time, the line's last ones too
// (the zeros past its end are candidates), so a word costs a branch or two
// rather than one per byte.
inline const char* word_end(const char* begin, const char* at, const char* const end) {
    while (const auto bytes = eight_bytes(begin, at, end)) {
        const std::uint64_t below = below_dollar(*bytes);
        if (below == 0) {
            at += 8;
            continue;
        }
        at += std::countr_zero(below) / 8;  // the lowest byte comes first
        if (at == end || ends_word(*at)) return at;
        ++at;
    }
    while (at != end && !ends_word(*at)) ++at;
    return at;
}

// Where the word in `bytes` (from eight_bytes) ends: its length, if it ends
// within them (at a blank, a '#' or the line's end, `left` bytes on).
inline std::optional<std::size_t> word_length(std::uint64_t bytes, const char* at, std::size_t left) {
    const std::uint64_t below = below_dollar(bytes);
    if (below == 0) return std::nullopt;
    const auto length = static_cast<std::size_t>(std::countr_zero(below) / 8);
    if (length == left || (length < left && ends_word(at[length]))) return length;
    return std::nullopt;
}

// A number of one to eight digits at the start of `bytes` (from eight_bytes)
// that ends its word there: its value and length. Converted without a branch per
// digit: four digits per multiplication, then two, then one.
struct ShortNumber {
    std::uint64_t value;
    std::size_t length;
};
inline std::optional<ShortNumber> short_number(std::uint64_t bytes, const char* at, std::size_t left) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high_bits = 0x8080808080808080ULL;
    const std::uint64_t digits = bytes ^ (ones * '0');  // a digit byte becomes its value, 0 to 9
    // A byte above 9 sets its high bit here; carries run only to later bytes,
    // which cannot move the first one flagged.
    const std::uint64_t others = (digits | (digits + ones * (0x80 - 10))) & high_bits;
    const auto length = others ? static_cast<std::size_t>(std::countr_zero(others) / 8) : std::size_t{8};
    if (length == 0 || length > left || (length < left && !ends_word(at[length]))) return std::nullopt;
    // The digits moved to the top bytes (the first digit in the lowest of them),
    // leaving zeros below: leading zeros, which change nothing.
    std::uint64_t value = digits << (8 * (8 - length));
    value = (value * 10 + (value >> 8)) & 0x00FF00FF00FF00FFULL;
    value = (value * 100 + (value >> 16)) & 0x0000FFFF0000FFFFULL;
    value = value * 10000 + (value >> 32);
    return ShortNumber{value & 0xFFFFFFFF, length};
}

// The word is the literal. The literal's length is a constant, so the comparison
// compiles to a few loads rather than a call to memcmp.
template <std::size_t N>
bool is(std::string_view word, const char (&literal)[N]) {
    return word.size() == N - 1 && std::memcmp(word.data(), literal, N - 1) == 0;
}

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
