// The replay engine: serves parsed trace lines on a Backend, checks their
// expectations and keeps the summary a researcher reads afterwards.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "wsrsim/backend.hpp"
#include "wsrsim/trace_reader.hpp"

namespace wsrsim::trace {

// Makes the backend a trace runs on once the trace's settings (seed, policies) are
// known, i.e. at its first request. The caller owns what the reference names.
using BackendFactory = std::function<Backend&(const HostConfig&)>;

// The usual backend: a model host, optionally prepared before the trace runs
// (`replay --host` recreates a pasted netsh table there).
class ModelHost {
public:
    using Preparation = std::function<void(Backend&)>;
    explicit ModelHost(Preparation prepare = {}) : prepare_(std::move(prepare)) {}
    ModelHost(const ModelHost&) = delete;
    ModelHost& operator=(const ModelHost&) = delete;

    Backend& start(const HostConfig& config);
    BackendFactory factory() {
        return [this](const HostConfig& config) -> Backend& { return start(config); };
    }
    const Host* host() const { return host_ ? &*host_ : nullptr; }
    // Hosts made from now on start from this saved lasting part (`replay --state`),
    // restored before the preparation; it must be one Host::restore accepts.
    void start_from(HostSnapshot saved) { saved_ = std::move(saved); }

private:
    Preparation prepare_;
    std::optional<HostSnapshot> saved_;
    std::optional<Host> host_;
    std::optional<ModelBackend> backend_;
};

// One request as it was served, for `--events`.
struct ReplayEvent {
    Nanos time;  // the virtual clock after the request
    std::uint64_t line;
    std::size_t kind;               // index of the Request alternative
    std::string_view request_text;  // as written in the trace
    const Outcome& outcome;
};

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void record(const ReplayEvent& event) = 0;
};

struct ReplayProgress {
    std::uint64_t lines;
    std::uint64_t requests;
    std::uint64_t bytes;
};

class ProgressSink {
public:
    virtual ~ProgressSink() = default;
    virtual void update(const ReplayProgress& progress) = 0;
};

struct ReplayOptions {
    std::string file = "<trace>";
    std::optional<std::uint64_t> seed;  // overrides the trace's `seed`
    PolicySettings policies;            // override the same fields of every `policy` line
    HostLimits limits;                  // caps on the host's processes, sockets, reservations;
                                        // each one set overrides the trace's `limits`
    std::size_t longest_line = LineReader::default_longest_line;
    EventSink* events = nullptr;
    ProgressSink* progress = nullptr;
    // Unmet expectations and failed wildcard requests beyond this many are counted
    // but not listed one by one.
    std::size_t detail_limit = 1000;
};

struct UnmetExpectation {
    std::uint64_t line;
    std::string expected;
    std::string actual;
};

struct CodeCount {
    Error error;
    std::uint64_t count;
};

// The highest value each count reached during the replay.
using TransportPeak = PortSpaceCounts;

struct ReplaySummary {
    std::string file;
    std::uint64_t lines = 0;
    std::uint64_t requests = 0;
    std::array<std::uint64_t, request_kind_count> requests_by_kind{};
    std::vector<CodeCount> outcomes;  // in order of first appearance
    std::uint64_t expectations_checked = 0;
    std::uint64_t expectations_unmet = 0;
    std::vector<UnmetExpectation> unmet;  // the first ReplayOptions::detail_limit
    bool has_peaks = false;               // only a backend with a model reports counts
    std::array<TransportPeak, 2> peaks{};  // indexed by Transport
    std::uint64_t failed_wildcards = 0;
    std::vector<CodeCount> failed_wildcards_by_code;
    std::vector<std::uint64_t> failed_wildcard_lines;  // the first detail_limit
    std::optional<TraceError> error;
    bool read_failed = false;  // the stream broke off (not its end)

    // 0: every expectation met; 1: some unmet; 2: a trace error or a read failure.
    int exit_code() const;
};

// "ok start=5000 count=20 port=5000", "pending" or the error name: how traces
// spell an outcome. Tokens are left out unless asked for (they are opaque).
std::string describe(const Outcome& outcome, bool with_token = false);

class ReplayEngine {
public:
    ReplayEngine(BackendFactory make_backend, const ReplayOptions& options);

    // Serves one line. A trace error found while serving (a `wait` moved the clock
    // past a later `@T`) comes back; nothing after it on the line is served.
    std::optional<TraceError> run(TraceLine& line);

    // The outcome of the last line's request (of its `@T` if that was all).
    const Outcome& last_outcome() const { return last_outcome_; }

    // Starts the host if no line did, and gives the summary so far.
    ReplaySummary& finish();
    ReplaySummary& summary() { return summary_; }

private:
    struct Variable {
        Token token = invalid_token;
        RequestId pending = 0;  // an overlapped request not yet waited for
        Outcome settled;        // the request's outcome once known
        bool wildcard = false;  // the request is a wildcard acquire
    };

    void start();
    template <class R>
    Outcome issue(const R& request, const TraceLine& line);
    void record(std::size_t kind, const TraceLine& line, const Outcome& outcome);
    void count_outcome(Error error);
    // Serves the line's request; its outcome becomes last_outcome_.
    void serve(TraceLine& line);
    template <class R>
    void serve(TraceLine& line, R& request);
    Outcome wait_for(TraceLine& line, req::Wait& wait);
    Variable& variable(NameId id);
    void bind_variable(const TraceLine& line, const Outcome& outcome, bool wildcard);
    void note_failed_wildcard(std::uint64_t line, const Outcome& outcome);
    void check(const TraceLine& line, const Outcome& outcome);
    Token token_of(const TokenOperand& operand) const;
    Nanos now() const;

    BackendFactory make_backend_;
    ReplayOptions options_;
    Backend* backend_ = nullptr;
    const Host* model_ = nullptr;
    Host* model_host_ = nullptr;  // the host itself when the backend is a ModelBackend
    std::uint64_t trace_seed_ = 1;
    Policies trace_policies_{};  // as the trace set them, before the overrides
    HostLimits trace_limits_{};  // the same
    Nanos clock_ = 0;            // the last `@T`, for a backend without a model
    std::vector<SocketHandle> sockets_;
    std::vector<Variable> variables_;
    Outcome last_outcome_;
    // Where each code's entry is in summary_.outcomes (position + 1; 0: not yet
    // known), by the code modulo 128, so that counting an outcome is one lookup
    // rather than a scan. The model's codes all land in slots of their own. Only
    // the engine adds to summary_.outcomes, and never removes: a slot stays valid.
    std::array<std::uint8_t, 128> outcome_slots_{};
    ReplaySummary summary_;
};

// Reads and replays a whole trace stream.
ReplaySummary replay(std::istream& trace, const BackendFactory& make_backend,
                     const ReplayOptions& options);

}  // namespace wsrsim::trace
