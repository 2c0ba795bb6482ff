// UTF-8, the narrow encoding of Linux programs, to and from wide strings (UTF-32
// on Linux). Malformed input becomes U+FFFD: these are texts to show or parse.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace wsrsim::win32 {

inline constexpr char32_t replacement_character = 0xFFFD;

inline bool is_scalar_value(char32_t c) { return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF); }

inline std::wstring widen(std::string_view text) {
    // The smallest code point each sequence length may carry: anything below is overlong.
    constexpr std::array<char32_t, 5> smallest{0, 0, 0x80, 0x800, 0x10000};
    std::wstring wide;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        const std::size_t length = lead < 0x80           ? 1
                                   : (lead >> 5) == 0x06 ? 2
                                   : (lead >> 4) == 0x0E ? 3
                                   : (lead >> 3) == 0x1E ? 4
                                                         : 0;
        char32_t c = length == 1 ? lead : lead & (0x7Fu >> length);
        bool well_formed = length != 0 && i + length <= text.size();
        for (std::size_t k = 1; well_formed && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            well_formed = (next & 0xC0) == 0x80;
            c = (c << 6) | (next & 0x3Fu);
        }
        if (!well_formed || c < smallest[length] || !is_scalar_value(c)) {
            wide += static_cast<wchar_t>(replacement_character);
            ++i;
            continue;
        }
        wide += static_cast<wchar_t>(c);
        i += length;
    }
    return wide;
}

inline std::string narrow(std::wstring_view text) {
    std::string utf8;
    for (const wchar_t w : text) {
        char32_t c = static_cast<char32_t>(w);
        if (!is_scalar_value(c)) c = replacement_character;
        if (c < 0x80) {
            utf8 += static_cast<char>(c);
        } else if (c < 0x800) {
            utf8 += static_cast<char>(0xC0 | (c >> 6));
            utf8 += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            utf8 += static_cast<char>(0xE0 | (c >> 12));
            utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            utf8 += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            utf8 += static_cast<char>(0xF0 | (c >> 18));
            utf8 += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            utf8 += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            utf8 += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return utf8;
}

}  // namespace wsrsim::win32
