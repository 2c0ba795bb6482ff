#include <algorithm>
#include <utility>

#include "text.hpp"
#include "wsrsim/trace_reader.hpp"
#include "wsrsim/word_index.hpp"

namespace wsrsim::trace {
namespace {

using text::quoted;

enum class Command : std::uint8_t {
    seed, limits, policy, dynamic, process, exit, socket, close, bind, getsockname, acquire, associate,
    release, wait, persist_create, persist_lookup, persist_delete, reboot,
};

struct CommandSpec {
    std::string_view name;
    Command command;
    std::string_view usage;
};

constexpr std::array commands{
    CommandSpec{"seed", Command::seed, "seed N"},
    CommandSpec{"limits", Command::limits, "limits [sockets=N] [reservations=N] [processes=N]"},
    CommandSpec{"policy", Command::policy,
                "policy [wildcard=first-fit|next-fit|random|clustered] [ephemeral=sequential|random] [latency=NS]"},
    CommandSpec{"dynamic", Command::dynamic, "dynamic tcp|udp START COUNT"},
    CommandSpec{"process", Command::process, "process PID [elevated] [name=NAME]"},
    CommandSpec{"exit", Command::exit, "exit PID"},
    CommandSpec{"socket", Command::socket, "socket PID NAME tcp|udp|raw [v6] [nonoverlapped]"},
    CommandSpec{"close", Command::close, "close SOCK"},
    CommandSpec{"bind", Command::bind, "bind SOCK PORT"},
    CommandSpec{"getsockname", Command::getsockname, "getsockname SOCK"},
    CommandSpec{"acquire", Command::acquire, "acquire SOCK START COUNT [async] [as VAR]"},
    CommandSpec{"associate", Command::associate, "associate SOCK TOKEN [async] [as VAR]"},
    CommandSpec{"release", Command::release, "release SOCK TOKEN [async] [as VAR]"},
    CommandSpec{"wait", Command::wait, "wait VAR"},
    CommandSpec{"persist-create", Command::persist_create,
                "persist-create PID tcp|udp START COUNT [store=persistent|active] [as VAR]"},
    CommandSpec{"persist-lookup", Command::persist_lookup,
                "persist-lookup PID tcp|udp START COUNT [as VAR]"},
    CommandSpec{"persist-delete", Command::persist_delete, "persist-delete PID tcp|udp START COUNT"},
    CommandSpec{"reboot", Command::reboot, "reboot"},
};

constexpr auto command_index = index_of_names(commands, &CommandSpec::name);

// `key=value` split at the first '='; key is empty if there is none. Words are
// short: a plain loop beats a call to memchr.
std::pair<std::string_view, std::string_view> setting(std::string_view word) {
    for (std::size_t equals = 0; equals < word.size(); ++equals)
        if (word[equals] == '=') return {word.substr(0, equals), word.substr(equals + 1)};
    return {{}, word};
}

// Request kind names, checked against the Request alternatives at compile time:
// a new alternative without a name here does not compile.
template <class T> constexpr std::string_view kind_name = T::no_trace_name_for_this_request;
template <> constexpr std::string_view kind_name<req::SetDynamicRange> = "dynamic";
template <> constexpr std::string_view kind_name<req::SetPolicies> = "policy";
template <> constexpr std::string_view kind_name<req::CreateProcess> = "process";
template <> constexpr std::string_view kind_name<req::ExitProcess> = "exit";
template <> constexpr std::string_view kind_name<req::OpenSocket> = "socket";
template <> constexpr std::string_view kind_name<req::CloseSocket> = "close";
template <> constexpr std::string_view kind_name<req::Bind> = "bind";
template <> constexpr std::string_view kind_name<req::GetSockName> = "getsockname";
template <> constexpr std::string_view kind_name<req::Acquire> = "acquire";
template <> constexpr std::string_view kind_name<req::Associate> = "associate";
template <> constexpr std::string_view kind_name<req::Release> = "release";
template <> constexpr std::string_view kind_name<req::AdvanceClock> = "clock";
template <> constexpr std::string_view kind_name<req::Wait> = "wait";
template <> constexpr std::string_view kind_name<req::PersistCreate> = "persist-create";
template <> constexpr std::string_view kind_name<req::PersistDelete> = "persist-delete";
template <> constexpr std::string_view kind_name<req::PersistLookup> = "persist-lookup";
template <> constexpr std::string_view kind_name<req::Reboot> = "reboot";

template <std::size_t... I>
constexpr std::array<std::string_view, sizeof...(I)> kind_names(std::index_sequence<I...>) {
    return {kind_name<std::variant_alternative_t<I, Request>>...};
}
constexpr auto request_kind_names = kind_names(std::make_index_sequence<request_kind_count>{});

constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";

// The error for "=>" with the next word stuck to it, found by read() and, after
// any other error, by parse().
constexpr std::string_view arrow_needs_blank = "put a blank after '=>'";

// The outcome fields whose value is a port, with their '='.
constexpr std::array<std::string_view, 3> port_field_keys{"start=", "count=", "port="};

std::string_view from_to(const char* begin, const char* end) {
    return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::string_view request_kind_name(std::size_t request_index) {
    return request_index < request_kind_names.size() ? request_kind_names[request_index] : "?";
}

std::string describe(const TraceError& error) {
    return error.file + ':' + std::to_string(error.line) + ':' + std::to_string(error.column) +
           ": " + error.message;
}

Policies PolicySettings::applied_to(Policies base) const {
    if (wildcard) base.wildcard = *wildcard;
    if (ephemeral) base.ephemeral = *ephemeral;
    if (latency) base.latency = *latency;
    return base;
}

std::optional<std::string> read_limit_setting(std::string_view word, HostLimits& limits) {
    const auto [key, value] = setting(word);
    const auto* known = std::find_if(limit_caps.begin(), limit_caps.end(),
                                     [key = key](const LimitCap& cap) { return cap.name == key; });
    if (known == limit_caps.end())
        return "unknown cap " + quoted(word) + " (sockets=, reservations= or processes=)";
    const auto number = text::to_number<std::size_t>(value);
    if (!number || *number == 0) return std::string(key) + " must be a number above 0, not " + quoted(value);
    limits.*known->cap = *number;
    return std::nullopt;
}

std::optional<std::string> read_policy_settings(std::string_view text, PolicySettings& settings) {
    return read_settings(text, [&](std::string_view word) { return read_policy_setting(word, settings); });
}

std::optional<std::string> read_policy_setting(std::string_view word, PolicySettings& settings) {
    const auto [key, value] = setting(word);
    if (key == "wildcard") {
        if (auto placement = parse_placement(value)) {
            settings.wildcard = placement;
            return std::nullopt;
        }
        return "unknown wildcard placement " + quoted(value) + " (first-fit, next-fit, random or clustered)";
    }
    if (key == "ephemeral") {
        if (auto policy = parse_ephemeral(value)) {
            settings.ephemeral = policy;
            return std::nullopt;
        }
        return "unknown ephemeral policy " + quoted(value) + " (sequential or random)";
    }
    if (key == "latency") {
        if (auto latency = text::to_number<Nanos>(value)) {
            settings.latency = latency;
            return std::nullopt;
        }
        return "latency must be a number of nanoseconds, not " + quoted(value);
    }
    return "unknown policy setting " + quoted(word) + " (wildcard=, ephemeral= or latency=)";
}

// One line's words, read left to right in a single pass: an operand is checked
// and converted while it is scanned, so the usual line looks at each byte once.
// The words before an arrow (`=>`) are the request's part of the line, the rest
// the expectation's; a '#' ends both. Words are views into the line and never
// empty, so an empty view says "no word" (the error is recorded here).
class TraceParser::Cursor {
public:
    Cursor(const TraceParser& parser, std::string_view line, std::uint64_t number)
        : parser_(parser), line_(line.data()), at_(line.data()), end_(line.data() + line.size()),
          understood_end_(line.data()), number_(number) {}

    std::string_view usage = {};
    std::optional<TraceError> error;

    // The steps every operand takes (done, take, operand, keyed_operand, number,
    // port, pid, transport) are forced inline: called from a dozen places, they
    // would otherwise stay out of line, with the cursor's position going through
    // memory at each call (with profile-guided optimization, 2-5% of a whole replay).

    // Skips blanks; true when no word of the current part is left.
    [[gnu::always_inline]] bool done() {
        const char* at = at_;
        if (at == end_) return true;
        std::uint8_t byte_class = text::byte_class(*at);
        // Taking a word steps over the one blank that usually follows it: a loop
        // is needed only where there are more.
        if (byte_class == text::blank_byte) [[unlikely]] {
            // Scanned through a local: a char may alias this cursor's own fields,
            // so a loop on at_ itself would store and reload it at every byte.
            do ++at;
            while (at != end_ && text::is_blank(*at));
            at_ = at;
            if (at == end_) return true;
            byte_class = text::byte_class(*at);
        }
        // One table load rules out both the comment and the arrow for most words.
        return (byte_class & text::part_end_byte) && (*at == '#' || (in_request_ && at_arrow()));
    }

    // The next word; only after done() said there is one.
    [[gnu::always_inline]] std::string_view take() {
        const char* const begin = at_;
        const char* const end = text::word_end(line_, begin, end_);
        step_past(end);
        return from_to(begin, end);
    }

    // At a word beginning with "=>": the arrow, or a misspelt one.
    bool at_arrow() const { return end_ - at_ >= 2 && at_[0] == '=' && at_[1] == '>'; }

    // Takes the word at_arrow() found: true if it is the arrow alone, with no
    // byte of the next word stuck to it. Two bytes known, so no search for its end.
    bool take_arrow() {
        const char* const end = at_ + 2;
        if (end != end_ && !text::ends_word(*end)) return false;
        step_past(end);
        return true;
    }

    // The words from here on (past the arrow) are the expectation's.
    void start_expectation() { in_request_ = false; }
    bool in_expectation() const { return !in_request_; }

    std::uint32_t column(std::string_view word) const { return column_of(word.data()); }
    std::uint32_t column_here() const { return column_of(at_); }

    // Errors are rare: their messages are built out of line, so that the paths
    // every line takes stay small enough to inline.
    [[gnu::cold]] bool fail(std::uint32_t column, std::string message) {
        if (!error) error = TraceError{parser_.file(), number_, column, std::move(message)};
        return false;
    }
    bool fail(std::string_view word, std::string message) { return fail(column(word), std::move(message)); }
    bool fail_here(std::string message) { return fail(done() ? end_column() : column_of(at_), std::move(message)); }

    // The next word, or an error naming what was missing.
    [[gnu::always_inline]] std::string_view operand(std::string_view what) {
        if (done()) [[unlikely]] return missing(what), std::string_view();
        return take();
    }

    // The next word with its NameTable key: a word of up to eight bytes is its
    // own key, taken from the one load that finds its end.
    [[gnu::always_inline]] KeyedWord keyed_operand(std::string_view what) {
        if (done()) [[unlikely]] return missing(what), KeyedWord{};
        if (const auto bytes = text::eight_bytes(line_, at_, end_)) {
            if (const auto length = text::word_length(*bytes, at_, static_cast<std::size_t>(end_ - at_))) {
                const std::string_view word(at_, *length);
                step_past(at_ + *length);
                return {word, *bytes & ((std::uint64_t{1} << (8 * *length)) - 1)};
            }
        }
        const std::string_view word = take();
        return {word, NameTable::key_of(word)};
    }

    // The next word as a number no higher than `highest`. Up to eight digits are
    // converted at once from one load; up to 19 cannot overflow 64 bits, so they
    // are converted as they are scanned; anything else (a longer number, a word
    // that is not one) takes the slow way.
    template <class T>
    [[gnu::always_inline]] std::optional<T> number(std::string_view what, std::uint64_t highest) {
        if (done()) [[unlikely]] return missing(what), std::nullopt;
        if (const auto bytes = text::eight_bytes(line_, at_, end_)) {
            const auto number = text::short_number(*bytes, at_, static_cast<std::size_t>(end_ - at_));
            if (number && number->value <= highest) [[likely]] {
                step_past(at_ + number->length);
                return static_cast<T>(number->value);
            }
        }
        const char* const begin = at_;
        const char* const end = end_;
        const char* digit = begin;
        std::uint64_t value = 0;
        for (; digit != end && text::is_digit(*digit) && digit - begin < 19; ++digit)
            value = value * 10 + static_cast<unsigned>(*digit - '0');
        if (digit != begin && (digit == end || text::ends_word(*digit)) && value <= highest) [[likely]] {
            step_past(digit);
            return static_cast<T>(value);
        }
        const auto long_value = long_number(what, highest);
        if (!long_value) return std::nullopt;
        return static_cast<T>(*long_value);
    }

    [[gnu::always_inline]] std::optional<Port> port(std::string_view what) { return number<Port>(what, highest_port); }
    [[gnu::always_inline]] std::optional<Pid> pid() { return number<Pid>("PID", UINT32_MAX); }

    // The next word as an outcome field of port_field_keys with a port for its
    // value (`start=N`): which one, and N, the key from one load and the number
    // from another. Anything else, a bad value too, is left to the caller, whose
    // slower way reads every field and says what is wrong.
    struct PortField {
        std::size_t index;
        Port value;
    };
    [[gnu::always_inline]] std::optional<PortField> port_field() {
        const auto bytes = text::eight_bytes(line_, at_, end_);
        if (!bytes) return std::nullopt;
        for (std::size_t index = 0; index < port_field_keys.size(); ++index) {
            const std::size_t length = port_field_keys[index].size();
            if ((*bytes & ((std::uint64_t{1} << (8 * length)) - 1)) != word_key(port_field_keys[index])) continue;
            const char* const value = at_ + length;
            const auto value_bytes = text::eight_bytes(line_, value, end_);
            if (!value_bytes) return std::nullopt;
            const auto number = text::short_number(*value_bytes, value, static_cast<std::size_t>(end_ - value));
            if (!number || number->value > highest_port) return std::nullopt;
            step_past(value + number->length);
            return PortField{index, static_cast<Port>(number->value)};
        }
        return std::nullopt;
    }

    [[gnu::always_inline]] std::optional<Transport> transport() {
        const std::string_view word = operand("tcp|udp");
        if (word.empty()) return std::nullopt;
        if (auto transport = parse_transport(word)) return transport;
        fail(word, "expected tcp or udp, got " + quoted(word));
        return std::nullopt;
    }

    // The next word if it is a name; otherwise an error.
    std::string_view name(std::string_view what) {
        const std::string_view word = operand(what);
        if (word.empty() || text::is_name(word)) return word;
        name_expected(word, what);
        return {};
    }

    bool name_expected(std::string_view word, std::string_view what) {
        return fail(word, std::string(what) + " must be a name (a letter, then letters, digits, "
                                              "'_', '-', '.'), not " + quoted(word));
    }

    // Set off: two blanks or more before it, or a tab.
    bool set_off(std::string_view word) const {
        const char* const begin = word.data();
        const char* const blanks = blanks_before(begin);
        return begin - blanks >= 2 || (begin != blanks && begin[-1] == '\t');
    }

    // A word the line cannot take here. Set off by blanks it starts a margin note
    // running to the end of the part, as in the listing of SPEC §11; otherwise it
    // is an error.
    bool note_or_fail(std::string_view word) {
        if (!set_off(word)) return fail(word, "unexpected " + quoted(word) + " (usage: " + std::string(usage) + ")");
        const char* const note = blanks_before(word.data());
        while (!done()) take();
        understood_end_ = note;
        return true;
    }

    // Nothing but a note may follow.
    bool finished() { return done() || note_or_fail(take()); }

    // The `key=value` words of a setting line, at least one, each given to `read`,
    // which says what is wrong with it, if anything. After the first setting, a
    // word set off by blanks starts a margin note instead.
    template <class Read>
    bool settings(Read read) {
        if (done()) return fail_here("nothing to set (usage: " + std::string(usage) + ")");
        for (bool first = true; !done(); first = false) {
            const std::string_view word = take();
            if (auto problem = read(word)) {
                if (!first && set_off(word)) return note_or_fail(word);
                return fail(word, std::move(*problem));
            }
        }
        return true;
    }

    // Where the words this cursor understood end: at a note, or past the last word taken.
    const char* understood_end() const { return understood_end_; }

private:
    // Moves past a word that ends at `word_end`, and past the single space that
    // usually follows it.
    [[gnu::always_inline]] void step_past(const char* word_end) {
        understood_end_ = word_end;
        at_ = word_end + (word_end != end_ && *word_end == ' ');
    }

    // Where the blanks just before `at` begin.
    const char* blanks_before(const char* at) const {
        while (at != line_ && text::is_blank(at[-1])) --at;
        return at;
    }
    std::uint32_t column_of(const char* at) const { return static_cast<std::uint32_t>(at - line_ + 1); }
    // Where a missing word is reported: at the arrow that ended the part, or just
    // past its last word.
    std::uint32_t end_column() const { return column_of(at_ != end_ && *at_ != '#' ? at_ : understood_end_); }

    [[gnu::cold]] void missing(std::string_view what) {
        fail(end_column(), "missing " + std::string(what) + " (usage: " + std::string(usage) + ")");
    }

    [[gnu::cold]] std::optional<std::uint64_t> long_number(std::string_view what, std::uint64_t highest) {
        const std::string_view word = take();
        const auto value = text::to_number<std::uint64_t>(word);
        if (value && *value <= highest) return value;
        if (value)
            fail(word, std::string(what) + " " + std::to_string(*value) + " is above " + std::to_string(highest));
        else if (text::all_digits(word))
            fail(word, std::string(what) + " " + quoted(word) + " is too large");
        else
            fail(word, "expected " + std::string(what) + ", got " + quoted(word));
        return std::nullopt;
    }

    const TraceParser& parser_;
    const char* const line_;
    const char* at_;
    const char* const end_;
    const char* understood_end_;
    std::uint64_t number_;
    bool in_request_ = true;
};

TraceParser::TraceParser(std::string file) : file_(std::move(file)) {}

// A word that should be a name already in `names`. Only names are ever put in a
// table, so a word found there needs no check byte by byte; a word not found is
// checked, to say which mistake it is: not a name, or (`unknown`) not one known.
//
// This and the other steps of a request's operands below are forced inline into
// parse_request, and parse_request into read, its one caller: out of line, each
// call saved and restored registers and sent the cursor through memory (6% of a
// whole replay's instructions).
[[gnu::always_inline]] inline std::optional<NameId> TraceParser::known_name(
    Cursor& words, const KeyedWord& operand, const NameTable& names, std::string_view what,
    std::string (*unknown)(std::string_view)) {
    const auto [word, key] = operand;
    if (word.empty()) return std::nullopt;  // missing: already reported
    if (const auto id = names.find(word, key)) return id;
    if (!text::is_name(word)) words.name_expected(word, what);
    else words.fail(word, unknown(word));
    return std::nullopt;
}

[[gnu::always_inline]] inline std::optional<NameId> TraceParser::known_socket(Cursor& words) {
    return known_name(words, words.keyed_operand("SOCK"), sockets_, "SOCK", [](std::string_view socket) {
        return "unknown socket " + quoted(socket) + ": no 'socket' line names it";
    });
}

std::optional<NameId> TraceParser::usable_variable(Cursor& words, std::string_view word) {
    const std::string_view name = word.substr(1);
    const auto id = variables_.find(name);
    if (!id) {
        words.fail(word, "unknown variable " + quoted(word) + ": no 'as' names it");
        return std::nullopt;
    }
    if (variable_states_[*id] == VariableState::request) {
        words.fail(word, quoted(word) + " names an overlapped request: 'wait " + std::string(name) +
                             "' first, then it is the request's token");
        return std::nullopt;
    }
    return id;
}

[[gnu::always_inline]] inline std::optional<TokenOperand> TraceParser::token_operand(Cursor& words,
                                                                                     std::string_view word) {
    if (word.front() == '$') {
        const auto variable = usable_variable(words, word);
        if (!variable) return std::nullopt;
        return TokenOperand{.variable = *variable};
    }
    if (const auto literal = text::to_number<Token>(word)) return TokenOperand{.literal = *literal};
    if (text::all_digits(word)) words.fail(word, "token " + quoted(word) + " is too large");
    else words.fail(word, "expected a token ($VAR or a decimal number), got " + quoted(word));
    return std::nullopt;
}

// The optional words after a request's operands: `async`, `as VAR`, `store=...`,
// in any order, each where the command allows it.
[[gnu::always_inline]] inline bool TraceParser::read_options(Cursor& words, const Allowed& allowed,
                                                             Options& options) {
    while (!words.done()) {
        const std::string_view word = words.take();
        if (allowed.async && text::is(word, "async") && !options.async) {
            options.async = true;
        } else if (allowed.variable && text::is(word, "as") && options.variable.empty()) {
            options.variable = words.name("VAR");
            if (options.variable.empty()) return false;
        } else if (allowed.store && word.starts_with("store=") && !options.store) {
            const std::string_view store = word.substr(6);
            if (store == "persistent") options.store = ReservationKind::persistent;
            else if (store == "active") options.store = ReservationKind::active;
            else return words.fail(word, "store must be persistent or active, not " + quoted(store));
        } else if (!words.note_or_fail(word)) {
            return false;
        }
    }
    return true;
}

[[gnu::always_inline]] inline bool TraceParser::parse_request(Cursor& words, std::string_view command_word,
                                                              TraceLine& line, Options& options) {
    const auto command = command_index.find(command_word);
    if (!command) return words.fail(command_word, "unknown command " + quoted(command_word));
    const CommandSpec* spec = &commands[*command];
    words.usage = spec->usage;
    line.kind = LineKind::request;
    const auto io_mode = [&] { return options.async ? IoMode::overlapped : IoMode::sync; };

    switch (spec->command) {
    case Command::seed: {
        if (any_request_)
            return words.fail(command_word, "seed must come before the first request: the host is made with it");
        const auto seed = words.number<std::uint64_t>("N", UINT64_MAX);
        if (!seed) return false;
        line.kind = LineKind::seed;
        line.seed = *seed;
        break;
    }
    case Command::limits: {
        if (any_request_)
            return words.fail(command_word, "limits must come before the first request: the host is made with them");
        line.limits = HostLimits{};
        if (!words.settings([&](std::string_view word) { return read_limit_setting(word, line.limits); }))
            return false;
        line.kind = LineKind::limits;
        break;
    }
    case Command::policy: {
        // Set first: a margin note ends the line early, and the line must not keep
        // the previous line's request (a fuzz-found crash).
        line.request = req::SetPolicies{};
        if (!words.settings([&](std::string_view word) { return read_policy_setting(word, line.policy); }))
            return false;
        break;
    }
    case Command::dynamic: {
        const auto transport = words.transport();
        const auto start = transport ? words.port("START") : std::nullopt;
        const auto count = start ? words.number<std::uint32_t>("COUNT", UINT32_MAX) : std::nullopt;
        if (!count) return false;
        line.request = req::SetDynamicRange{*transport, *start, *count};
        break;
    }
    case Command::process: {
        const auto pid = words.pid();
        if (!pid) return false;
        bool elevated = false;
        std::optional<std::string_view> name;
        while (!words.done()) {
            const std::string_view word = words.take();
            if (text::is(word, "elevated") && !elevated) elevated = true;
            else if (word.starts_with("name=") && !name) name = word.substr(5);
            else if (!words.note_or_fail(word)) return false;
        }
        line.request = req::CreateProcess{*pid, elevated, name.value_or("")};
        break;
    }
    case Command::exit: {
        const auto pid = words.pid();
        if (!pid) return false;
        line.request = req::ExitProcess{*pid};
        break;
    }
    case Command::socket: {
        const auto pid = words.pid();
        const std::string_view name = pid ? words.name("NAME") : std::string_view();
        const std::string_view kind_word = name.empty() ? std::string_view() : words.operand("tcp|udp|raw");
        if (kind_word.empty()) return false;
        const auto kind = parse_socket_kind(kind_word);
        if (!kind) return words.fail(kind_word, "expected tcp, udp or raw, got " + quoted(kind_word));
        SocketOptions socket_options;
        bool v6 = false;
        while (!words.done()) {
            const std::string_view word = words.take();
            if (text::is(word, "v6") && !v6) v6 = true;
            else if (text::is(word, "nonoverlapped") && socket_options.overlapped) socket_options.overlapped = false;
            else if (!words.note_or_fail(word)) return false;
        }
        socket_options.family = v6 ? Family::v6 : Family::v4;
        line.new_socket = sockets_.intern(name);
        line.request = req::OpenSocket{*pid, *kind, socket_options};
        break;
    }
    case Command::close:
    case Command::getsockname:
    case Command::bind: {
        const auto socket = known_socket(words);
        if (!socket) return false;
        line.socket = *socket;
        if (spec->command == Command::close) {
            line.request = req::CloseSocket{};
        } else if (spec->command == Command::getsockname) {
            line.request = req::GetSockName{};
        } else {
            const auto port = words.port("PORT");
            if (!port) return false;
            line.request = req::Bind{no_socket, *port};
        }
        break;
    }
    case Command::acquire: {
        const auto socket = known_socket(words);
        const auto start = socket ? words.port("START") : std::nullopt;
        const auto count = start ? words.port("COUNT") : std::nullopt;
        if (!count || !read_options(words, Allowed{.async = true, .variable = true}, options)) return false;
        line.socket = *socket;
        line.request = req::Acquire{no_socket, PortBlock{*start, *count}, io_mode()};
        break;
    }
    case Command::associate:
    case Command::release: {
        const auto socket = known_socket(words);
        const std::string_view token_word = socket ? words.operand("TOKEN") : std::string_view();
        const auto token = token_word.empty() ? std::nullopt : token_operand(words, token_word);
        if (!token || !read_options(words, Allowed{.async = true, .variable = true}, options)) return false;
        line.socket = *socket;
        line.token = *token;
        if (spec->command == Command::associate) line.request = req::Associate{no_socket, invalid_token, io_mode()};
        else line.request = req::Release{no_socket, invalid_token, io_mode()};
        break;
    }
    case Command::wait: {
        const auto not_a_request = [](std::string_view name) {
            return quoted(name) + " does not name an overlapped request (name one with 'async as VAR')";
        };
        const auto name = words.keyed_operand("VAR");
        const auto id = known_name(words, name, variables_, "VAR", not_a_request);
        if (!id) return false;
        if (variable_states_[*id] == VariableState::token) return words.fail(name.word, not_a_request(name.word));
        variable_states_[*id] = VariableState::waited_request;
        line.waits = *id;
        line.request = req::Wait{};
        break;
    }
    case Command::persist_create:
    case Command::persist_lookup:
    case Command::persist_delete: {
        const auto pid = words.pid();
        const auto transport = pid ? words.transport() : std::nullopt;
        const auto start = transport ? words.port("START") : std::nullopt;
        const auto count = start ? words.port("COUNT") : std::nullopt;
        const Allowed allowed{.variable = spec->command != Command::persist_delete,
                              .store = spec->command == Command::persist_create};
        if (!count || !read_options(words, allowed, options)) return false;
        const PortBlock block{*start, *count};
        if (spec->command == Command::persist_create)
            line.request = req::PersistCreate{*pid, *transport, block,
                                              options.store.value_or(ReservationKind::persistent)};
        else if (spec->command == Command::persist_lookup)
            line.request = req::PersistLookup{*pid, *transport, block};
        else
            line.request = req::PersistDelete{*pid, *transport, block};
        break;
    }
    case Command::reboot:
        line.request = req::Reboot{};
        break;
    }
    return words.finished();
}

// Forced inline into read like the request's steps: nearly every line of a
// generated trace has an expectation (2% of a replay's instructions).
[[gnu::always_inline]] inline bool TraceParser::parse_expectation(Cursor& words, TraceLine& line) {
    words.usage = "=> ok [start=N] [count=N] [port=N] [token=N|$VAR] | => pending | => ERROR";
    Expectation& expect = line.expect;
    const std::string_view outcome_word = words.operand("an outcome after '=>'");
    if (outcome_word.empty()) return false;
    if (text::is(outcome_word, "ok")) {
        expect.kind = Expect::ok;
    } else if (text::is(outcome_word, "pending")) {
        expect.kind = Expect::pending;
    } else if (const auto error = parse_error(outcome_word)) {
        expect.kind = *error == Error::ok ? Expect::ok : Expect::error;
        expect.error = *error;
    } else {
        return words.fail(outcome_word, "unknown outcome " + quoted(outcome_word) +
                                            " (ok, pending, or an error such as WSAEINVAL or 10022)");
    }
    std::optional<Port>* const port_fields[] = {&expect.start, &expect.count, &expect.port};  // as port_field_keys
    while (!words.done()) {
        if (expect.kind == Expect::ok) {
            if (const auto field = words.port_field()) {
                *port_fields[field->index] = field->value;
                continue;
            }
        }
        const std::string_view word = words.take();
        const auto [key, value] = setting(word);
        if (expect.kind != Expect::ok || key.empty()) {
            if (!words.note_or_fail(word)) return false;
            continue;
        }
        const auto* known = std::find_if(port_field_keys.begin(), port_field_keys.end(),
                                         [key = key](std::string_view field) { return field.starts_with(key) &&
                                                                                      field.size() == key.size() + 1; });
        if (known != port_field_keys.end()) {
            const auto number = text::to_number<std::uint32_t>(value);
            if (!number || *number > highest_port)
                return words.fail(word, std::string(key) + " must be a number from 0 to 65535, not " + quoted(value));
            *port_fields[known - port_field_keys.begin()] = static_cast<Port>(*number);
        } else if (text::is(key, "token")) {
            if (value.empty()) return words.fail(word, "token= needs a value");
            expect.token = token_operand(words, value);
            if (!expect.token) return false;
        } else {
            return words.fail(word, "unknown outcome field " + quoted(key) + " (start=, count=, port= or token=)");
        }
    }
    expect.text = from_to(outcome_word.data(), words.understood_end());
    return true;
}

std::optional<TraceError> TraceParser::parse(std::string_view text, std::uint64_t number, TraceLine& line) {
    if (number == 1 && text.starts_with(utf8_byte_order_mark)) text.remove_prefix(utf8_byte_order_mark.size());
    auto error = read(text, number, line);
    if (error) [[unlikely]] {
        // The words after a misspelt arrow were read as the request's: whatever
        // went wrong, the arrow is the mistake to point at.
        Cursor words(*this, text, number);
        while (!words.done()) words.take();
        if (words.at_arrow()) {
            const std::uint32_t column = words.column_here();
            if (!words.take_arrow()) error = TraceError{file_, number, column, std::string(arrow_needs_blank)};
        }
    }
    return error;
}

std::optional<TraceError> TraceParser::read(std::string_view text, std::uint64_t number, TraceLine& line) {
    line.number = number;
    line.kind = LineKind::nothing;
    line.request_text = {};
    line.sets_clock = false;
    line.policy = {};
    line.socket = line.waits = line.new_socket = line.binds = no_name;
    line.binds_request = false;
    line.token = {};
    line.expect = {};

    if (number == 1 && text.starts_with('#')) {
        // "# wsrsim trace 1": a header asking for another version is refused.
        Cursor header(*this, text.substr(1), number);
        std::array<std::string_view, 3> words{};
        for (std::string_view& word : words)
            if (!header.done()) word = header.take();
        if (words[0] == "wsrsim" && words[1] == "trace" && !words[2].empty() && words[2] != "1")
            return TraceError{file_, number, header.column(words[2]) + 1,
                              "this reader reads trace format 1, not " + quoted(words[2])};
    }

    Cursor words(*this, text, number);
    Options options;
    if (!words.done()) {
        std::string_view command = words.take();
        if (command.front() == '@') {
            const auto clock = text::to_number<Nanos>(command.substr(1));
            if (!clock)
                return TraceError{file_, number, words.column(command),
                                  "'@' must be followed by a time in nanoseconds, not " + quoted(command)};
            if (*clock < last_clock_)
                return TraceError{file_, number, words.column(command),
                                  "time goes backwards: @" + std::to_string(*clock) + " after @" +
                                      std::to_string(last_clock_)};
            line.sets_clock = true;
            line.clock = *clock;
            line.clock_text = command;
            line.clock_column = words.column(command);
            command = words.done() ? std::string_view() : words.take();
        }
        if (!command.empty()) {
            if (!parse_request(words, command, line, options)) return std::move(words.error);
            line.request_text = from_to(command.data(), words.understood_end());
        }
    }
    if (words.at_arrow()) {
        const std::uint32_t column = words.column_here();
        if (!words.take_arrow()) return TraceError{file_, number, column, std::string(arrow_needs_blank)};
        if (line.kind == LineKind::seed || line.kind == LineKind::limits)
            return TraceError{file_, number, column,
                              std::string(line.kind == LineKind::seed ? "seed" : "limits") +
                                  " is a setting, not a request: nothing to expect"};
        if (line.kind == LineKind::nothing && !line.sets_clock)
            return TraceError{file_, number, column, "an expectation needs a request before '=>'"};
        words.start_expectation();
    }

    if (line.sets_clock) last_clock_ = line.clock;
    if (line.sets_clock || line.kind == LineKind::request) any_request_ = true;
    if (!options.variable.empty()) {
        line.binds = variables_.intern(options.variable);
        line.binds_request = options.async;
        if (line.binds >= variable_states_.size()) variable_states_.resize(line.binds + 1);
        variable_states_[line.binds] = options.async ? VariableState::request : VariableState::token;
    }

    if (words.in_expectation() && !parse_expectation(words, line)) return std::move(words.error);
    return std::nullopt;
}

}  // namespace wsrsim::trace
