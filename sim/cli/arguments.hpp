// A subcommand's arguments: options and positional words, in any order.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsrsim::cli {

struct OptionSpec {
    std::string_view name;  // without the leading "--"
    bool takes_value = false;
};

class Arguments {
public:
    // Splits argv[first..]: `--name`, `--name=value` or `--name value` (for
    // options that take one), `-h` for `--help`; `--` ends the options and `-`
    // alone is a positional word (standard input). An unknown option is an error.
    static Arguments parse(int argc, char** argv, int first, std::initializer_list<OptionSpec> specs);

    bool has(std::string_view name) const;
    std::optional<std::string_view> value(std::string_view name) const;  // the last one given
    const std::vector<std::string_view>& positional() const { return positional_; }
    const std::string& error() const { return error_; }  // empty if fine

private:
    std::vector<std::pair<std::string_view, std::string_view>> options_;
    std::vector<std::string_view> positional_;
    std::string error_;
};

// A decimal number for an option, or nullopt.
std::optional<std::uint64_t> parse_count(std::string_view text);

}  // namespace wsrsim::cli
