// Trace format version 1 (SPEC §11), read as a stream: one line at a time
// through one reused buffer, so memory stays flat however long the trace.
//
// A line holds at most one request. Words are separated by blanks; '#' starts a
// comment anywhere. A line may start with `@T` (set the virtual clock to T ns,
// never backwards) and end with `=> OUTCOME` (an expectation).
//
//   # wsrsim trace 1                    optional header; another version is refused
//   seed N                              host seed, before the first request
//   limits [sockets=N] [reservations=N] [processes=N]   host caps, before the first request (addition)
//   policy [wildcard=first-fit|next-fit|random|clustered] [ephemeral=sequential|random] [latency=NS]
//   dynamic tcp|udp START COUNT         like `netsh int ipv4 set dynamicport`
//   process PID [elevated] [name=NAME]
//   exit PID
//   socket PID NAME tcp|udp|raw [v6] [nonoverlapped]
//   close SOCK
//   bind SOCK PORT
//   getsockname SOCK                                        (addition)
//   acquire SOCK START COUNT [async] [as VAR]
//   associate SOCK TOKEN [async] [as VAR]
//   release SOCK TOKEN [async] [as VAR]
//   wait VAR
//   persist-create PID tcp|udp START COUNT [store=persistent|active] [as VAR]   (store= is an addition)
//   persist-lookup PID tcp|udp START COUNT [as VAR]
//   persist-delete PID tcp|udp START COUNT
//   reboot
//
// TOKEN is `$VAR` or a decimal number. `as VAR` names the token a request gives
// (0 if it failed); with `async` it names the request instead, and `$VAR` may be
// used only after `wait VAR`, which yields the request's outcome and its token.
// OUTCOME is `ok [start=N] [count=N] [port=N] [token=N|$VAR]`, `pending`, or an
// error by name or number (`WSAEINVAL`, `10022`); `token=$VAR` is an addition.
//
// Margin notes (an addition, so that the listing of SPEC §11 replays as written):
// after a complete request, a word set off by two or more blanks or a tab that
// cannot continue the line starts a note running to the end of the line. A word
// the line can take is always taken; a stray word after one blank is an error.
//
// Names (sockets, variables) start with a letter or '_' and go on with letters,
// digits, '_', '-', '.'. A `socket` line may give an existing name to a new socket.
// Columns in messages count bytes from 1.
#pragma once

#include <array>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrsim/request.hpp"

namespace wsrsim::trace {

// A line the reader cannot understand: it stops the replay (SPEC §11).
struct TraceError {
    std::string file;
    std::uint64_t line = 0;
    std::uint32_t column = 0;
    std::string message;
};

// "FILE:LINE:COLUMN: message", the way compilers report.
std::string describe(const TraceError& error);

// ---- Lines of a stream ----------------------------------------------------------

// Splits a stream into lines (LF or CRLF; the last may lack its newline).
class LineReader {
public:
    // A line longer than the limit is reported rather than buffered, so binary
    // junk without newlines cannot make the reader grow.
    static constexpr std::size_t default_longest_line = 64 * 1024;

    struct Line {
        std::string_view text;  // without its line end; valid until the next call
        std::uint64_t number;   // from 1
        bool too_long;          // text holds only the first longest_line() bytes
    };

    explicit LineReader(std::istream& in, std::size_t longest_line = default_longest_line);
    std::size_t longest_line() const { return longest_line_; }
    std::optional<Line> next();
    std::uint64_t bytes_read() const { return consumed_; }
    bool read_failed() const { return failed_; }

private:
    bool refill();

    std::istream& in_;
    std::size_t longest_line_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::uint64_t number_ = 0;
    std::uint64_t consumed_ = 0;
    bool at_end_ = false;
    bool failed_ = false;
    bool skipping_ = false;  // dropping the rest of a line that was too long
};

// ---- Parsed lines -----------------------------------------------------------------

// Socket and variable names become dense ids, looked up once per line through a
// hash table; the replay engine keeps their values in vectors indexed by id.
using NameId = std::uint32_t;
inline constexpr NameId no_name = UINT32_MAX;

// Names to dense ids (0, 1, 2, ... in order of first appearance), by open
// addressing. A name of up to 8 bytes is its own key (its bytes and length), so
// finding it hashes one number and compares one number; a longer one is keyed by
// a hash and compared in full. Lookups never allocate.
class NameTable {
public:
    NameTable();

    std::optional<NameId> find(std::string_view name) const { return find(name, key_of(name)); }
    // With the name's key already known (a reader that has loaded its bytes).
    std::optional<NameId> find(std::string_view name, std::uint64_t key) const {
        const Slot& slot = slots_[slot_for(name, key)];
        if (slot.id == no_name) return std::nullopt;
        return slot.id;
    }
    static std::uint64_t key_of(std::string_view name);
    NameId intern(std::string_view name);
    std::size_t size() const { return names_.size(); }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint32_t length = 0;
        NameId id = no_name;  // no_name: empty
    };

    // The slot holding the name, or the empty slot where it would go.
    std::size_t slot_for(std::string_view name, std::uint64_t key) const {
        const std::size_t mask = slots_.size() - 1;
        // Fibonacci hashing spreads the (for short names, raw) key over the table.
        for (std::size_t i = (key * 0x9e3779b97f4a7c15ULL) >> shift_;; i = (i + 1) & mask) {
            const Slot& slot = slots_[i];
            if (slot.id == no_name) return i;
            if (slot.key == key && slot.length == name.size() && (name.size() <= 8 || names_[slot.id] == name))
                return i;
        }
    }
    void grow();

    std::vector<Slot> slots_;  // a power of two, at most half full
    int shift_;                // 64 - log2(slots_.size())
    std::vector<std::string> names_;
};

// Policy settings as a `policy` line or `--policy` gives them: unset fields keep
// their value.
struct PolicySettings {
    std::optional<WildcardPlacement> wildcard;
    std::optional<EphemeralPolicy> ephemeral;
    std::optional<Nanos> latency;

    Policies applied_to(Policies base) const;
};

// Reads one `key=value` policy setting into `settings`; gives a message if it is not one.
std::optional<std::string> read_policy_setting(std::string_view word, PolicySettings& settings);

// Calls read(word) for each word of "a=1,b=2" (commas or blanks between), as the
// command line and the environment give settings, and stops at the first problem
// it reports.
template <class Read>
std::optional<std::string> read_settings(std::string_view text, Read read) {
    while (!text.empty()) {
        const std::size_t end = text.find_first_of(", \t");
        const std::string_view word = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!word.empty())
            if (auto problem = read(word)) return problem;
    }
    return std::nullopt;
}

// "wildcard=first-fit,latency=10" or the same separated by blanks (`--policy`, WSRSIM_POLICY).
std::optional<std::string> read_policy_settings(std::string_view text, PolicySettings& settings);

// The caps of a `limits` line, `replay --limits` and WSRSIM_LIMITS, by name.
struct LimitCap {
    std::string_view name;
    std::size_t HostLimits::*cap;
};
inline constexpr std::array<LimitCap, 3> limit_caps{{
    {"sockets", &HostLimits::sockets},
    {"reservations", &HostLimits::reservations},
    {"processes", &HostLimits::processes},
}};

// Reads one `key=value` cap (`sockets=N`, N above 0) into `limits`; gives a
// message if it is not one.
std::optional<std::string> read_limit_setting(std::string_view word, HostLimits& limits);

// A token operand: `$VAR` (variable set) or a literal.
struct TokenOperand {
    NameId variable = no_name;
    Token literal = invalid_token;
};

enum class Expect : std::uint8_t { nothing, ok, pending, error };

struct Expectation {
    Expect kind = Expect::nothing;
    Error error = Error::ok;  // Expect::error
    std::optional<Port> start;
    std::optional<Port> count;
    std::optional<Port> port;
    std::optional<TokenOperand> token;
    std::string_view text;  // as written after "=>"
};

enum class LineKind : std::uint8_t {
    nothing,  // blank, a comment, or only `@T`
    seed,     // `seed N`: a host setting, not a request
    limits,   // `limits ...`: host caps, not a request
    request,
};

// One line as the engine needs it. Operands that name sockets, tokens and
// overlapped requests are left symbolic in `request`; the engine fills them in.
struct TraceLine {
    std::uint64_t number = 0;
    LineKind kind = LineKind::nothing;
    std::string_view request_text;  // the request as written, without `@T`, outcome and comment
    bool sets_clock = false;
    Nanos clock = 0;
    std::string_view clock_text;  // "@T" as written
    std::uint32_t clock_column = 0;
    std::uint64_t seed = 0;  // LineKind::seed
    HostLimits limits;       // LineKind::limits: the caps the line sets, the others SIZE_MAX
    Request request;
    PolicySettings policy;        // `policy`: merged into the current policies
    NameId socket = no_name;      // the SOCK operand
    TokenOperand token;           // the TOKEN operand
    NameId waits = no_name;       // `wait VAR`
    NameId new_socket = no_name;  // `socket PID NAME ...`
    NameId binds = no_name;       // `as VAR`
    bool binds_request = false;   // `async ... as VAR`: VAR names the request
    Expectation expect;
};

// Turns lines into TraceLines, checking everything that can be checked without
// running them: syntax, ranges, names used before they are defined, the clock.
class TraceParser {
public:
    explicit TraceParser(std::string file = "<trace>");
    TraceParser(const TraceParser&) = delete;
    TraceParser& operator=(const TraceParser&) = delete;

    // Parses `text` (line `number`) into `line`, whose views point into `text`.
    // On a trace error `line` is unspecified.
    std::optional<TraceError> parse(std::string_view text, std::uint64_t number, TraceLine& line);

    const std::string& file() const { return file_; }
    std::size_t socket_count() const { return sockets_.size(); }
    std::size_t variable_count() const { return variables_.size(); }

private:
    class Cursor;
    // A word and its NameTable key, for a lookup.
    struct KeyedWord {
        std::string_view word;  // empty if missing
        std::uint64_t key = 0;
    };
    enum class VariableState : std::uint8_t { token, request, waited_request };

    // What may follow a request's operands, and what did.
    struct Allowed {
        bool async = false;
        bool variable = false;
        bool store = false;
    };
    struct Options {
        bool async = false;
        std::string_view variable;  // `as VAR`; empty if none
        std::optional<ReservationKind> store;
    };

    std::optional<TraceError> read(std::string_view text, std::uint64_t number, TraceLine& line);
    bool parse_request(Cursor& words, std::string_view command, TraceLine& line, Options& options);
    bool read_options(Cursor& words, const Allowed& allowed, Options& options);
    bool parse_expectation(Cursor& words, TraceLine& line);
    std::optional<NameId> known_name(Cursor& words, const KeyedWord& operand, const NameTable& names,
                                     std::string_view what, std::string (*unknown)(std::string_view));
    std::optional<NameId> known_socket(Cursor& words);
    std::optional<NameId> usable_variable(Cursor& words, std::string_view word);
    std::optional<TokenOperand> token_operand(Cursor& words, std::string_view word);

    std::string file_;
    NameTable sockets_;
    NameTable variables_;
    std::vector<VariableState> variable_states_;
    bool any_request_ = false;
    Nanos last_clock_ = 0;
};

// Spellings of the request kinds, as trace commands ("acquire", "persist-create";
// the clock of `@T` is "clock"), indexed like the alternatives of Request.
inline constexpr std::size_t request_kind_count = std::variant_size_v<Request>;
std::string_view request_kind_name(std::size_t request_index);

}  // namespace wsrsim::trace
