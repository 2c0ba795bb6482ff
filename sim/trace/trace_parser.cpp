#include <utility>

#include "text.hpp"
#include "wsrsim/trace_reader.hpp"

namespace wsrsim::trace {
namespace {

using text::quoted;

enum class Command : std::uint8_t {
    seed, policy, dynamic, process, exit, socket, close, bind, getsockname, acquire, associate,
    release, wait, persist_create, persist_lookup, persist_delete, reboot,
};

struct CommandSpec {
    std::string_view name;
    Command command;
    std::string_view usage;
};

constexpr std::array commands{
    CommandSpec{"seed", Command::seed, "seed N"},
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


bool is_name(std::string_view word) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (word.empty() || !letter(word.front())) return false;
    for (char c : word)
        if (!letter(c) && !text::is_digit(c) && c != '-' && c != '.') return false;
    return true;
}

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

// Walks the words of one line, recording the first error.
class TraceParser::Scanner {
public:
    Scanner(const TraceParser& parser, const text::Words& words, std::uint64_t line,
            std::size_t begin, std::size_t end, std::uint32_t end_column)
        : parser_(parser), words_(words), line_(line), at_(begin), end_(end), end_column_(end_column) {}

    bool done() const { return at_ == end_; }
    const text::Word& peek() const { return words_[at_]; }
    const text::Word& take() { return words_[at_++]; }
    std::string_view usage = {};

    // Errors are rare: their messages are built out of line, so that the paths
    // every line takes stay small enough to inline.
    [[gnu::cold]] bool fail(std::uint32_t column, std::string message) {
        if (!error) error = TraceError{parser_.file(), line_, column, std::move(message)};
        return false;
    }
    bool fail_here(std::string message) { return fail(done() ? end_column_ : peek().column, std::move(message)); }

    // The next word, or an error naming what was missing.
    const text::Word* operand(std::string_view what) {
        if (done()) [[unlikely]] {
            missing(what);
            return nullptr;
        }
        return &take();
    }

    template <class T>
    std::optional<T> number(std::string_view what, std::uint64_t highest) {
        const text::Word* word = operand(what);
        if (!word) return std::nullopt;
        const auto value = text::to_number<std::uint64_t>(word->text);
        if (!value || *value > highest) [[unlikely]] {
            not_a_number(*word, what, highest);
            return std::nullopt;
        }
        return static_cast<T>(*value);
    }

    std::optional<Port> port(std::string_view what) { return number<Port>(what, highest_port); }
    std::optional<Pid> pid() { return number<Pid>("PID", UINT32_MAX); }

    std::optional<Transport> transport() {
        const text::Word* word = operand("tcp|udp");
        if (!word) return std::nullopt;
        if (auto transport = parse_transport(word->text)) return transport;
        fail(word->column, "expected tcp or udp, got " + quoted(word->text));
        return std::nullopt;
    }

    const text::Word* name(std::string_view what) {
        const text::Word* word = operand(what);
        if (!word) return nullptr;
        if (is_name(word->text)) return word;
        name_expected(*word, what);
        return nullptr;
    }

    bool name_expected(const text::Word& word, std::string_view what) {
        return fail(word.column, std::string(what) + " must be a name (a letter, then letters, digits, "
                                                     "'_', '-', '.'), not " + quoted(word.text));
    }

    // A word the line cannot take here. Set off by blanks it starts a margin note
    // running to the end of the line, as in the listing of SPEC §11; otherwise it
    // is an error.
    bool note_or_fail(const text::Word& word) {
        if (word.set_off) {
            note_ = static_cast<std::size_t>(&word - &words_[0]);
            at_ = end_;
            return true;
        }
        return fail(word.column, "unexpected " + quoted(word.text) + " (usage: " + std::string(usage) + ")");
    }

    // Nothing but a note may follow.
    bool finished() { return done() || note_or_fail(take()); }

    // Where the words this scanner understood end: at a note, or at its end.
    std::size_t understood_end() const { return note_ ? *note_ : end_; }

    std::optional<TraceError> error;

private:
    [[gnu::cold]] void missing(std::string_view what) {
        fail(end_column_, "missing " + std::string(what) + " (usage: " + std::string(usage) + ")");
    }

    [[gnu::cold]] void not_a_number(const text::Word& word, std::string_view what, std::uint64_t highest) {
        if (const auto value = text::to_number<std::uint64_t>(word.text))
            fail(word.column, std::string(what) + " " + std::to_string(*value) + " is above " + std::to_string(highest));
        else if (text::all_digits(word.text))
            fail(word.column, std::string(what) + " " + quoted(word.text) + " is too large");
        else
            fail(word.column, "expected " + std::string(what) + ", got " + quoted(word.text));
    }

    const TraceParser& parser_;
    const text::Words& words_;
    std::uint64_t line_;
    std::size_t at_;
    std::size_t end_;
    std::uint32_t end_column_;
    std::optional<std::size_t> note_;
};

TraceParser::TraceParser(std::string file) : file_(std::move(file)) {
    // Ids in the order of `commands`: a command's id is its index there.
    for (const CommandSpec& spec : commands) command_names_.intern(spec.name);
}

namespace {

std::optional<SocketKind> parse_socket_kind(std::string_view word) {
    for (SocketKind kind : {SocketKind::tcp, SocketKind::udp, SocketKind::other})
        if (socket_kind_name(kind) == word) return kind;
    return std::nullopt;
}

// The text from the first word of [first, last] to the end of the last.
std::string_view span(std::string_view line, const text::Word& first, const text::Word& last) {
    const std::size_t from = first.column - 1;
    return line.substr(from, last.column - 1 + last.text.size() - from);
}

constexpr std::string_view utf8_byte_order_mark = "\xEF\xBB\xBF";

}  // namespace

std::optional<NameId> TraceParser::known_socket(Scanner& words) {
    const text::Word* word = words.operand("SOCK");
    if (!word) return std::nullopt;
    if (const auto id = sockets_.find(word->text)) return id;
    if (!is_name(word->text)) return words.name_expected(*word, "SOCK"), std::nullopt;
    words.fail(word->column, "unknown socket " + quoted(word->text) + ": no 'socket' line names it");
    return std::nullopt;
}

std::optional<NameId> TraceParser::usable_variable(Scanner& words, const text::Word& word) {
    const std::string_view name = word.text.substr(1);
    const auto id = variables_.find(name);
    if (!id) {
        words.fail(word.column, "unknown variable " + quoted(word.text) + ": no 'as' names it");
        return std::nullopt;
    }
    if (variable_states_[*id] == VariableState::request) {
        words.fail(word.column, quoted(word.text) + " names an overlapped request: 'wait " +
                                    std::string(name) + "' first, then it is the request's token");
        return std::nullopt;
    }
    return id;
}

std::optional<TokenOperand> TraceParser::token_operand(Scanner& words, const text::Word& word) {
    if (word.text.front() == '$') {
        const auto variable = usable_variable(words, word);
        if (!variable) return std::nullopt;
        return TokenOperand{.variable = *variable};
    }
    if (const auto literal = text::to_number<Token>(word.text)) return TokenOperand{.literal = *literal};
    if (text::all_digits(word.text)) words.fail(word.column, "token " + quoted(word.text) + " is too large");
    else words.fail(word.column, "expected a token ($VAR or a decimal number), got " + quoted(word.text));
    return std::nullopt;
}

// The optional words after a request's operands: `async`, `as VAR`, `store=...`,
// in any order, each where the command allows it.
bool TraceParser::read_options(Scanner& words, const Allowed& allowed, Options& options) {
    while (!words.done()) {
        const text::Word& word = words.take();
        if (allowed.async && word.text == "async" && !options.async) {
            options.async = true;
        } else if (allowed.variable && word.text == "as" && !options.variable) {
            options.variable = words.name("VAR");
            if (!options.variable) return false;
        } else if (allowed.store && word.text.starts_with("store=") && !options.store) {
            const std::string_view store = word.text.substr(6);
            if (store == "persistent") options.store = ReservationKind::persistent;
            else if (store == "active") options.store = ReservationKind::active;
            else return words.fail(word.column, "store must be persistent or active, not " + quoted(store));
        } else if (!words.note_or_fail(word)) {
            return false;
        }
    }
    return true;
}

bool TraceParser::parse_request(Scanner& words, const text::Word& command_word, TraceLine& line,
                                Options& options) {
    const auto command = command_names_.find(command_word.text);
    if (!command) return words.fail(command_word.column, "unknown command " + quoted(command_word.text));
    const CommandSpec* spec = &commands[*command];
    words.usage = spec->usage;
    line.kind = LineKind::request;
    const auto io_mode = [&] { return options.async ? IoMode::overlapped : IoMode::sync; };

    switch (spec->command) {
    case Command::seed: {
        if (any_request_)
            return words.fail(command_word.column,
                              "seed must come before the first request: the host is made with it");
        const auto seed = words.number<std::uint64_t>("N", UINT64_MAX);
        if (!seed) return false;
        line.kind = LineKind::seed;
        line.seed = *seed;
        break;
    }
    case Command::policy: {
        if (words.done()) return words.fail_here("nothing to set (usage: " + std::string(spec->usage) + ")");
        // Set first: a margin note below ends the line early, and the line must not
        // keep the previous line's request (a fuzz-found crash).
        line.request = req::SetPolicies{};
        for (bool first_setting = true; !words.done(); first_setting = false) {
            const text::Word& word = words.take();
            if (auto problem = read_policy_setting(word.text, line.policy)) {
                if (!first_setting && word.set_off) return words.note_or_fail(word);
                return words.fail(word.column, std::move(*problem));
            }
        }
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
            const text::Word& word = words.take();
            if (word.text == "elevated" && !elevated) elevated = true;
            else if (word.text.starts_with("name=") && !name) name = word.text.substr(5);
            else if (!words.note_or_fail(word)) return false;
        }
        line.request = req::CreateProcess{*pid, elevated, std::string(name.value_or(""))};
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
        const text::Word* name = pid ? words.name("NAME") : nullptr;
        const text::Word* kind_word = name ? words.operand("tcp|udp|raw") : nullptr;
        if (!kind_word) return false;
        const auto kind = parse_socket_kind(kind_word->text);
        if (!kind) return words.fail(kind_word->column, "expected tcp, udp or raw, got " + quoted(kind_word->text));
        SocketOptions socket_options;
        bool v6 = false;
        while (!words.done()) {
            const text::Word& word = words.take();
            if (word.text == "v6" && !v6) v6 = true;
            else if (word.text == "nonoverlapped" && socket_options.overlapped) socket_options.overlapped = false;
            else if (!words.note_or_fail(word)) return false;
        }
        socket_options.family = v6 ? Family::v6 : Family::v4;
        line.new_socket = sockets_.intern(name->text);
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
        const text::Word* token_word = socket ? words.operand("TOKEN") : nullptr;
        const auto token = token_word ? token_operand(words, *token_word) : std::nullopt;
        if (!token || !read_options(words, Allowed{.async = true, .variable = true}, options)) return false;
        line.socket = *socket;
        line.token = *token;
        if (spec->command == Command::associate) line.request = req::Associate{no_socket, invalid_token, io_mode()};
        else line.request = req::Release{no_socket, invalid_token, io_mode()};
        break;
    }
    case Command::wait: {
        const text::Word* name = words.name("VAR");
        if (!name) return false;
        const auto id = variables_.find(name->text);
        if (!id || variable_states_[*id] == VariableState::token)
            return words.fail(name->column, quoted(name->text) + " does not name an overlapped request "
                                                                 "(name one with 'async as VAR')");
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

bool TraceParser::parse_expectation(Scanner& words, TraceLine& line) {
    words.usage = "=> ok [start=N] [count=N] [port=N] [token=N|$VAR] | => pending | => ERROR";
    Expectation& expect = line.expect;
    const text::Word* outcome = words.operand("an outcome after '=>'");
    if (!outcome) return false;
    if (outcome->text == "ok") {
        expect.kind = Expect::ok;
    } else if (outcome->text == "pending") {
        expect.kind = Expect::pending;
    } else if (const auto error = parse_error(outcome->text)) {
        expect.kind = *error == Error::ok ? Expect::ok : Expect::error;
        expect.error = *error;
    } else {
        return words.fail(outcome->column, "unknown outcome " + quoted(outcome->text) +
                                               " (ok, pending, or an error such as WSAEINVAL or 10022)");
    }
    while (!words.done()) {
        const text::Word& word = words.take();
        const auto [key, value] = setting(word.text);
        if (expect.kind != Expect::ok || key.empty()) {
            if (!words.note_or_fail(word)) return false;
            continue;
        }
        std::optional<Port>* field = key == "start" ? &expect.start
                                     : key == "count" ? &expect.count
                                     : key == "port"  ? &expect.port
                                                      : nullptr;
        if (field) {
            const auto number = text::to_number<std::uint32_t>(value);
            if (!number || *number > highest_port)
                return words.fail(word.column, std::string(key) + " must be a number from 0 to 65535, not " +
                                                   quoted(value));
            *field = static_cast<Port>(*number);
        } else if (key == "token") {
            const text::Word value_word{value, word.column + 6};
            if (value.empty()) return words.fail(word.column, "token= needs a value");
            expect.token = token_operand(words, value_word);
            if (!expect.token) return false;
        } else {
            return words.fail(word.column, "unknown outcome field " + quoted(key) +
                                               " (start=, count=, port= or token=)");
        }
    }
    return true;
}

std::optional<TraceError> TraceParser::parse(std::string_view text, std::uint64_t number, TraceLine& line) {
    line.number = number;
    line.kind = LineKind::nothing;
    line.request_text = {};
    line.sets_clock = false;
    line.policy = {};
    line.socket = line.waits = line.new_socket = line.binds = no_name;
    line.binds_request = false;
    line.token = {};
    line.expect = {};

    if (number == 1 && text.starts_with(utf8_byte_order_mark)) text.remove_prefix(utf8_byte_order_mark.size());
    if (number == 1 && text.starts_with('#')) {
        // "# wsrsim trace 1": a header asking for another version is refused.
        const text::Words header(text.substr(1));
        if (header.size() >= 3 && header[0].text == "wsrsim" && header[1].text == "trace" &&
            header[2].text != "1")
            return TraceError{file_, number, header[2].column + 1,
                              "this reader reads trace format 1, not " + quoted(header[2].text)};
    }

    const text::Words words(text);
    if (words.overflow_column())
        return TraceError{file_, number, words.overflow_column(),
                          "too many words on one line (at most " + std::to_string(text::Words::capacity) + ")"};
    const std::size_t arrow = words.arrow();
    if (arrow < words.size() && words[arrow].text != "=>")
        return TraceError{file_, number, words[arrow].column, "put a blank after '=>'"};
    const std::uint32_t request_end_column =
        arrow < words.size() ? words[arrow].column
                             : (words.size() ? words[arrow - 1].column + static_cast<std::uint32_t>(words[arrow - 1].text.size())
                                             : 1);
    Scanner scanner(*this, words, number, 0, arrow, request_end_column);

    std::size_t first = 0;
    if (words.size() && words[0].text.front() == '@') {
        const text::Word& clock_word = words[0];
        const auto clock = text::to_number<Nanos>(clock_word.text.substr(1));
        if (!clock)
            return TraceError{file_, number, clock_word.column,
                              "'@' must be followed by a time in nanoseconds, not " + quoted(clock_word.text)};
        if (*clock < last_clock_)
            return TraceError{file_, number, clock_word.column,
                              "time goes backwards: @" + std::to_string(*clock) + " after @" +
                                  std::to_string(last_clock_)};
        line.sets_clock = true;
        line.clock = *clock;
        line.clock_text = clock_word.text;
        line.clock_column = clock_word.column;
        first = 1;
        scanner.take();
    }

    Options options;
    if (first < arrow) {
        if (!parse_request(scanner, scanner.take(), line, options)) return std::move(scanner.error);
        line.request_text = span(text, words[first], words[scanner.understood_end() - 1]);
    }
    if (arrow < words.size()) {
        if (line.kind == LineKind::seed)
            return TraceError{file_, number, words[arrow].column, "seed is a setting, not a request: nothing to expect"};
        if (first == arrow && !line.sets_clock)
            return TraceError{file_, number, words[arrow].column, "an expectation needs a request before '=>'"};
    }

    if (line.sets_clock) last_clock_ = line.clock;
    if (line.sets_clock || line.kind == LineKind::request) any_request_ = true;
    if (options.variable) {
        line.binds = variables_.intern(options.variable->text);
        line.binds_request = options.async;
        if (line.binds >= variable_states_.size()) variable_states_.resize(line.binds + 1);
        variable_states_[line.binds] = options.async ? VariableState::request : VariableState::token;
    }

    if (arrow < words.size()) {
        Scanner expectation(*this, words, number, arrow + 1, words.size(),
                            words[words.size() - 1].column + static_cast<std::uint32_t>(words[words.size() - 1].text.size()));
        if (!parse_expectation(expectation, line)) return std::move(expectation.error);
        line.expect.text = span(text, words[arrow + 1], words[expectation.understood_end() - 1]);
    }
    return std::nullopt;
}

}  // namespace wsrsim::trace
