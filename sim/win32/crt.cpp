// The C runtime as Microsoft's: wprintf with its conversions, and _wtoi.
#include <climits>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <optional>
#include <string>
#include <string_view>

#include "utf8.hpp"

#include <windows.h>

using namespace wsrsim::win32;

namespace {

// The size prefix of a conversion, in Microsoft's terms.
enum class Size : std::uint8_t {
    plain,        // int; for %s and %c the wide-or-narrow default
    hh,           // char
    h,            // short; for %s and %c narrow
    l,            // long, which is 32 bits on Windows; for %s and %c wide
    ll,           // long long, I64, j
    pointer,      // I, z, t
    wide,         // w: for %s and %c wide
    long_double,  // L
};

struct Spec {
    std::string flags;  // of "-+ #0"
    int width = 0;
    std::optional<int> precision;
    Size size = Size::plain;
    wchar_t conversion = 0;
};

bool starts_with(const wchar_t* text, std::wstring_view prefix) {
    return std::wcsncmp(text, prefix.data(), prefix.size()) == 0;
}

int read_number(const wchar_t*& p) {
    int number = 0;
    while (*p >= L'0' && *p <= L'9') number = number * 10 + (*p++ - L'0');
    return number;
}

// Reads what follows a '%' up to the conversion character; gives the position after it.
const wchar_t* read_spec(const wchar_t* p, Spec& spec, va_list& args) {
    while (*p && std::wcschr(L"-+ #0", *p)) spec.flags += static_cast<char>(*p++);
    if (*p == L'*') {
        ++p;
        spec.width = va_arg(args, int);
        if (spec.width < 0) {
            spec.flags += '-';
            spec.width = -spec.width;
        }
    } else {
        spec.width = read_number(p);
    }
    if (*p == L'.') {
        ++p;
        if (*p == L'*') {
            ++p;
            const int precision = va_arg(args, int);
            if (precision >= 0) spec.precision = precision;
        } else {
            spec.precision = read_number(p);
        }
    }
    struct Prefix {
        std::wstring_view text;
        Size size;
    };
    // Longest first: "I64" before "I", "hh" before "h", "ll" before "l".
    static constexpr Prefix prefixes[] = {
        {L"I64", Size::ll}, {L"I32", Size::plain}, {L"I", Size::pointer}, {L"hh", Size::hh},
        {L"h", Size::h},    {L"ll", Size::ll},     {L"l", Size::l},       {L"L", Size::long_double},
        {L"w", Size::wide}, {L"j", Size::ll},      {L"z", Size::pointer}, {L"t", Size::pointer},
    };
    for (const Prefix& prefix : prefixes) {
        if (starts_with(p, prefix.text)) {
            spec.size = prefix.size;
            p += prefix.text.size();
            break;
        }
    }
    spec.conversion = *p;
    return *p ? p + 1 : p;
}

long long signed_argument(Size size, va_list& args) {
    switch (size) {
    case Size::hh: return static_cast<signed char>(va_arg(args, int));
    case Size::h: return static_cast<short>(va_arg(args, int));
    case Size::ll: return va_arg(args, long long);
    case Size::pointer: return va_arg(args, std::ptrdiff_t);
    default: return va_arg(args, int);
    }
}

unsigned long long unsigned_argument(Size size, va_list& args) {
    switch (size) {
    case Size::hh: return static_cast<unsigned char>(va_arg(args, int));
    case Size::h: return static_cast<unsigned short>(va_arg(args, int));
    case Size::ll: return va_arg(args, unsigned long long);
    case Size::pointer: return va_arg(args, std::size_t);
    default: return va_arg(args, unsigned int);
    }
}

// Numbers go through the C library's printf with the same flags, width and precision.
template <class Value>
std::wstring c_format(const Spec& spec, std::string_view length, char conversion, Value value) {
    const std::string format =
        '%' + spec.flags + '*' + (spec.precision ? ".*" : "") + std::string(length) + conversion;
    const auto print = [&](char* buffer, std::size_t size) {
        return spec.precision
                   ? std::snprintf(buffer, size, format.c_str(), spec.width, *spec.precision, value)
                   : std::snprintf(buffer, size, format.c_str(), spec.width, value);
    };
    std::string text(static_cast<std::size_t>(print(nullptr, 0)), '\0');
    print(text.data(), text.size() + 1);
    return std::wstring(text.begin(), text.end());  // ASCII
}

void append_padded(std::wstring& out, const Spec& spec, std::wstring_view text) {
    const std::size_t width = static_cast<std::size_t>(spec.width);
    const std::size_t fill = width > text.size() ? width - text.size() : 0;
    const bool left = spec.flags.find('-') != std::string::npos;
    if (!left) out.append(fill, L' ');
    out += text;
    if (left) out.append(fill, L' ');
}

// %s and %c: wide in wprintf unless h says narrow; %S and %C the other way round.
bool takes_wide(const Spec& spec) {
    if (spec.size == Size::h) return false;
    if (spec.size == Size::l || spec.size == Size::wide) return true;
    return spec.conversion == L's' || spec.conversion == L'c';
}

std::wstring string_argument(const Spec& spec, va_list& args) {
    const std::size_t most = spec.precision ? static_cast<std::size_t>(*spec.precision) : SIZE_MAX;
    if (takes_wide(spec)) {
        const wchar_t* text = va_arg(args, const wchar_t*);
        if (!text) text = L"(null)";
        std::size_t length = 0;
        while (length < most && text[length]) ++length;
        return std::wstring(text, length);
    }
    const char* text = va_arg(args, const char*);
    if (!text) text = "(null)";
    return widen(std::string_view(text, strnlen(text, most)));
}

std::wstring char_argument(const Spec& spec, va_list& args) {
    if (takes_wide(spec)) return std::wstring(1, static_cast<wchar_t>(va_arg(args, wint_t)));
    const char c = static_cast<char>(va_arg(args, int));
    return widen(std::string_view(&c, 1));
}

// Appends one conversion; false for one this wprintf does not know (%n included:
// Microsoft's runtime refuses it by default).
bool append_conversion(std::wstring& out, const Spec& spec, va_list& args) {
    switch (spec.conversion) {
    case L'd':
    case L'i': out += c_format(spec, "ll", 'd', signed_argument(spec.size, args)); return true;
    case L'u':
    case L'o':
    case L'x':
    case L'X':
        out += c_format(spec, "ll", static_cast<char>(spec.conversion),
                        unsigned_argument(spec.size, args));
        return true;
    case L'e':
    case L'E':
    case L'f':
    case L'F':
    case L'g':
    case L'G':
    case L'a':
    case L'A':
        if (spec.size == Size::long_double)
            out +=
                c_format(spec, "L", static_cast<char>(spec.conversion), va_arg(args, long double));
        else
            out += c_format(spec, "", static_cast<char>(spec.conversion), va_arg(args, double));
        return true;
    case L'p': {
        // Microsoft prints every digit of a pointer, in capitals.
        const auto address = reinterpret_cast<std::uintptr_t>(va_arg(args, void*));
        const Spec digits{.flags = "0", .width = 2 * sizeof(void*)};
        append_padded(out, spec,
                      c_format(digits, "ll", 'X', static_cast<unsigned long long>(address)));
        return true;
    }
    case L's':
    case L'S': append_padded(out, spec, string_argument(spec, args)); return true;
    case L'c':
    case L'C': append_padded(out, spec, char_argument(spec, args)); return true;
    case L'%': out += L'%'; return true;
    default: return false;
    }
}

}  // namespace

extern "C" {

int wsrsim_wprintf(const wchar_t* format, ...) {
    if (!format) return -1;
    std::wstring out;
    va_list args;
    va_start(args, format);
    for (const wchar_t* p = format; *p;) {
        if (*p != L'%') {
            out += *p++;
            continue;
        }
        const wchar_t* start = p;
        Spec spec;
        p = read_spec(p + 1, spec, args);
        if (!append_conversion(out, spec, args)) out.append(start, p);
    }
    va_end(args);
    const std::string utf8 = narrow(out);
    if (std::fwrite(utf8.data(), 1, utf8.size(), stdout) != utf8.size()) return -1;
    return static_cast<int>(out.size());
}

// Out of range, Microsoft's _wtoi gives INT_MAX or INT_MIN.
int _wtoi(const wchar_t* text) {
    if (!text) return 0;
    const long value = std::wcstol(text, nullptr, 10);
    if (value > INT_MAX) return INT_MAX;
    if (value < INT_MIN) return INT_MIN;
    return static_cast<int>(value);
}

}  // extern "C"
