#include "arguments.hpp"

#include <charconv>

namespace wsrsim::cli {

Arguments Arguments::parse(int argc, char** argv, int first, std::initializer_list<OptionSpec> specs) {
    Arguments args;
    bool options_ended = false;
    for (int i = first; i < argc; ++i) {
        const std::string_view word = argv[i];
        if (options_ended || word == "-" || !word.starts_with('-')) {
            args.positional_.push_back(word);
            continue;
        }
        if (word == "--") {
            options_ended = true;
            continue;
        }
        if (word == "-h") {
            args.options_.emplace_back("help", "");
            continue;
        }
        std::string_view name = word.substr(word.starts_with("--") ? 2 : 1);
        std::optional<std::string_view> value;
        if (const auto equals = name.find('='); equals != std::string_view::npos) {
            value = name.substr(equals + 1);
            name = name.substr(0, equals);
        }
        const OptionSpec* spec = nullptr;
        for (const OptionSpec& candidate : specs)
            if (candidate.name == name) spec = &candidate;
        if (!spec && name != "help") {
            args.error_ = "unknown option " + std::string(word);
            return args;
        }
        const bool takes_value = spec && spec->takes_value;
        if (takes_value && !value) {
            if (i + 1 == argc) {
                args.error_ = "--" + std::string(name) + " needs a value";
                return args;
            }
            value = argv[++i];
        } else if (!takes_value && value) {
            args.error_ = "--" + std::string(name) + " takes no value";
            return args;
        }
        args.options_.emplace_back(name, value.value_or(""));
    }
    return args;
}

bool Arguments::has(std::string_view name) const {
    for (const auto& [option, value] : options_)
        if (option == name) return true;
    return false;
}

std::optional<std::string_view> Arguments::value(std::string_view name) const {
    std::optional<std::string_view> found;
    for (const auto& [option, value] : options_)
        if (option == name) found = value;
    return found;
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || status != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace wsrsim::cli
