// Writes one JSON document into a string, indented two spaces a level.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace wsrsim::cli {

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }

    JsonWriter& key(std::string_view name) {
        item();
        string(name);
        out_ += ": ";
        after_key_ = true;
        return *this;
    }

    JsonWriter& value(std::string_view text) {
        item();
        string(text);
        return *this;
    }
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(std::uint64_t number) {
        item();
        out_ += std::to_string(number);
        return *this;
    }
    // Named apart from value() so that integer arguments stay unambiguous.
    JsonWriter& decimal(double number) {
        item();
        char text[32];
        std::snprintf(text, sizeof text, "%.6g", number);
        out_ += text;
        return *this;
    }
    JsonWriter& value(bool flag) {
        item();
        out_ += flag ? "true" : "false";
        return *this;
    }
    JsonWriter& null() {
        item();
        out_ += "null";
        return *this;
    }

private:
    JsonWriter& open(char bracket) {
        item();
        out_ += bracket;
        first_.push_back(true);
        return *this;
    }

    JsonWriter& close(char bracket) {
        const bool empty = first_.back();
        first_.pop_back();
        if (!empty) newline();
        out_ += bracket;
        if (first_.empty()) out_ += '\n';
        return *this;
    }

    // Before a value or key: a comma and a new line inside containers, nothing after a key.
    void item() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (first_.empty()) return;
        if (!first_.back()) out_ += ',';
        first_.back() = false;
        newline();
    }

    void newline() {
        out_ += '\n';
        out_.append(2 * first_.size(), ' ');
    }

    // Control bytes are escaped; bytes that are not UTF-8 (pasted junk) become U+FFFD,
    // so the document stays valid whatever it quotes.
    void string(std::string_view text) {
        static constexpr char hex[] = "0123456789abcdef";
        out_ += '"';
        for (std::size_t i = 0; i < text.size();) {
            const auto byte = static_cast<unsigned char>(text[i]);
            if (byte >= 0x80) {
                const std::size_t length = utf8_length(text.substr(i));
                if (length == 0) {
                    out_ += "\\ufffd";
                    ++i;
                } else {
                    out_.append(text.substr(i, length));
                    i += length;
                }
                continue;
            }
            if (byte == '"' || byte == '\\') {
                out_ += '\\';
                out_ += static_cast<char>(byte);
            } else if (byte == '\n') {
                out_ += "\\n";
            } else if (byte < 0x20 || byte == 0x7f) {
                out_ += "\\u00";
                out_ += hex[byte >> 4];
                out_ += hex[byte & 15];
            } else {
                out_ += static_cast<char>(byte);
            }
            ++i;
        }
        out_ += '"';
    }

    // The length of the well-formed UTF-8 sequence `text` starts with, 0 if none.
    static std::size_t utf8_length(std::string_view text) {
        const auto lead = static_cast<unsigned char>(text[0]);
        const std::size_t length = lead >= 0xc2 && lead <= 0xdf   ? 2
                                   : lead >= 0xe0 && lead <= 0xef ? 3
                                   : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                                  : 0;
        if (length == 0 || text.size() < length) return 0;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[k]) & 0xc0) != 0x80) return 0;
        const auto second = static_cast<unsigned char>(text[1]);
        if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second >= 0xa0) ||
            (lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second >= 0x90))
            return 0;  // overlong forms, surrogates, beyond U+10FFFF
        return length;
    }

    std::string& out_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
    bool after_key_ = false;
};

}  // namespace wsrsim::cli
