#include "wsrsim/replay.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace wsrsim::trace {
namespace {

// Counts one more `error` in `counts`, which keeps codes in order of first
// appearance, and gives the position of its entry.
std::size_t count(std::vector<CodeCount>& counts, Error error) {
    for (std::size_t i = 0; i < counts.size(); ++i) {
        if (counts[i].error == error) {
            ++counts[i].count;
            return i;
        }
    }
    counts.push_back(CodeCount{error, 1});
    return counts.size() - 1;
}

// The index of the Request alternative R.
template <class R, std::size_t index = 0>
constexpr std::size_t kind_of() {
    if constexpr (std::is_same_v<R, std::variant_alternative_t<index, Request>>) return index;
    else return kind_of<R, index + 1>();
}

constexpr std::size_t clock_kind = kind_of<req::AdvanceClock>();

// The request as the trace wrote it: its `@T`, or the rest of the line.
std::string_view request_text(std::size_t kind, const TraceLine& line) {
    return kind == clock_kind ? line.clock_text : line.request_text;
}

// `limits` with the caps `caps` sets (those below SIZE_MAX) in place of its own.
HostLimits with_caps(HostLimits limits, const HostLimits& caps) {
    for (const LimitCap& known : limit_caps)
        if (caps.*known.cap != SIZE_MAX) limits.*known.cap = caps.*known.cap;
    return limits;
}

// Replays report progress this often (in lines): often enough for a bar, rarely
// enough to cost nothing.
constexpr std::uint64_t progress_interval = 16384;

}  // namespace

Backend& ModelHost::start(const HostConfig& config) {
    backend_.reset();
    host_.emplace(config);
    if (saved_) host_->restore(*saved_);
    backend_.emplace(*host_);
    if (prepare_) prepare_(*backend_);
    return *backend_;
}

int ReplaySummary::exit_code() const {
    if (error || read_failed) return 2;
    return expectations_unmet ? 1 : 0;
}

std::string describe(const Outcome& outcome, bool with_token) {
    if (outcome.error == Error::io_pending) return "pending";
    if (!outcome.ok()) return std::string(error_name(outcome.error));
    std::string text = "ok";
    if (outcome.block.count) {
        text += " start=" + std::to_string(outcome.block.start);
        text += " count=" + std::to_string(outcome.block.count);
    }
    if (outcome.port) text += " port=" + std::to_string(outcome.port);
    if (with_token && outcome.token != invalid_token) text += " token=" + std::to_string(outcome.token);
    return text;
}

ReplayEngine::ReplayEngine(BackendFactory make_backend, const ReplayOptions& options)
    : make_backend_(std::move(make_backend)), options_(options) {
    summary_.file = options.file;
}

void ReplayEngine::start() {
    if (backend_) return;
    const HostConfig config{.seed = options_.seed.value_or(trace_seed_),
                            .policies = options_.policies.applied_to(trace_policies_),
                            .limits = with_caps(trace_limits_, options_.limits)};
    backend_ = &make_backend_(config);
    model_ = backend_->model();
    if (auto* model = dynamic_cast<ModelBackend*>(backend_)) model_host_ = &model->host();
    summary_.has_peaks = model_ != nullptr;
}

Nanos ReplayEngine::now() const { return model_ ? model_->now() : clock_; }

void ReplayEngine::record(std::size_t kind, const TraceLine& line, const Outcome& outcome) {
    ++summary_.requests;
    ++summary_.requests_by_kind[kind];
    // Unlikely: keeps the event's setup off the path of a replay without --events.
    if (options_.events) [[unlikely]]
        options_.events->record(ReplayEvent{now(), line.number, kind, request_text(kind, line), outcome});
    count_outcome(outcome.error);
}

void ReplayEngine::count_outcome(Error error) {
    std::uint8_t& slot = outcome_slots_[static_cast<std::uint32_t>(error) % outcome_slots_.size()];
    if (slot != 0 && summary_.outcomes[slot - 1].error == error) {
        ++summary_.outcomes[slot - 1].count;
        return;
    }
    const std::size_t position = count(summary_.outcomes, error);
    if (position < UINT8_MAX) slot = static_cast<std::uint8_t>(position + 1);
}

// On the model, the request is served straight through Applier: its kind is
// known here, so the engine's one dispatch on the line's request is the only one.
// Another backend takes it as a Request (a copy: nothing next to a system call).
// The outcome is built where the caller keeps it and read field by field until
// the line is done: copied whole straight away, it would be loaded wider than
// the backend stored it, which stalls store-to-load forwarding.
template <class R>
Outcome ReplayEngine::issue(const R& request, const TraceLine& line) {
    Outcome outcome = model_host_ ? Applier{*model_host_}(request) : backend_->apply(Request{request});
    record(kind_of<R>(), line, outcome);
    return outcome;
}

Token ReplayEngine::token_of(const TokenOperand& operand) const {
    if (operand.variable == no_name) return operand.literal;
    return operand.variable < variables_.size() ? variables_[operand.variable].token : invalid_token;
}

ReplayEngine::Variable& ReplayEngine::variable(NameId id) {
    if (id >= variables_.size()) variables_.resize(id + 1);
    return variables_[id];
}

void ReplayEngine::note_failed_wildcard(std::uint64_t line, const Outcome& outcome) {
    if (outcome.ok() || outcome.error == Error::io_pending) return;
    ++summary_.failed_wildcards;
    count(summary_.failed_wildcards_by_code, outcome.error);
    if (summary_.failed_wildcard_lines.size() < options_.detail_limit)
        summary_.failed_wildcard_lines.push_back(line);
}

// `wait VAR`: the request's outcome, from the backend if it was still pending
// when issued, else the outcome it settled with at once.
Outcome ReplayEngine::wait_for(TraceLine& line, req::Wait& wait) {
    Variable& waited = variable(line.waits);
    if (waited.pending == 0) {
        record(kind_of<req::Wait>(), line, waited.settled);
    } else {
        wait.request = waited.pending;
        waited.settled = issue(wait, line);
        backend_->forget(waited.pending);
        waited.pending = 0;
        if (waited.wildcard) note_failed_wildcard(line.number, waited.settled);
    }
    waited.token = waited.settled.token;
    return waited.settled;
}

void ReplayEngine::bind_variable(const TraceLine& line, const Outcome& outcome, bool wildcard) {
    Variable& bound = variable(line.binds);
    // The name moves on: nobody can wait for the request it named any more.
    if (bound.pending != 0) backend_->forget(bound.pending);
    bound = Variable{};
    if (!line.binds_request) {
        bound.token = outcome.token;
        return;
    }
    if (outcome.error == Error::io_pending) bound.pending = outcome.request;
    else bound.settled = outcome;
    bound.wildcard = wildcard;
}

// The line's request is dispatched on once: everything after knows its kind.
void ReplayEngine::serve(TraceLine& line) {
    std::visit([&](auto& request) { serve(line, request); }, line.request);
}

template <class R>
void ReplayEngine::serve(TraceLine& line, R& request) {
    if constexpr (std::is_same_v<R, req::Wait>) {
        last_outcome_ = wait_for(line, request);
    } else {
        if constexpr (requires { request.socket; })
            request.socket = line.socket < sockets_.size() ? sockets_[line.socket] : no_socket;
        if constexpr (requires { request.token; }) request.token = token_of(line.token);
        if constexpr (requires { request.policies; }) {
            trace_policies_ = line.policy.applied_to(trace_policies_);
            request.policies = options_.policies.applied_to(trace_policies_);
        }

        const Outcome outcome = issue(request, line);
        if (line.new_socket != no_name) {
            if (line.new_socket >= sockets_.size()) sockets_.resize(line.new_socket + 1, no_socket);
            sockets_[line.new_socket] = outcome.socket;
        }
        bool wildcard = false;
        if constexpr (std::is_same_v<R, req::Acquire>) wildcard = request.block.start == 0;
        if (wildcard) note_failed_wildcard(line.number, outcome);
        if (line.binds != no_name) bind_variable(line, outcome, wildcard);
        else if (outcome.error == Error::io_pending) backend_->forget(outcome.request);
        last_outcome_ = outcome;
    }
}

void ReplayEngine::check(const TraceLine& line, const Outcome& outcome) {
    const Expectation& expect = line.expect;
    if (expect.kind == Expect::nothing) return;
    ++summary_.expectations_checked;
    bool met = false;
    switch (expect.kind) {
    case Expect::nothing: break;
    case Expect::ok:
        met = outcome.ok() && (!expect.start || outcome.block.start == *expect.start) &&
              (!expect.count || outcome.block.count == *expect.count) &&
              (!expect.port || outcome.port == *expect.port) &&
              (!expect.token || outcome.token == token_of(*expect.token));
        break;
    case Expect::pending: met = outcome.error == Error::io_pending; break;
    case Expect::error: met = outcome.error == expect.error; break;
    }
    if (met) return;
    ++summary_.expectations_unmet;
    if (summary_.unmet.size() < options_.detail_limit)
        summary_.unmet.push_back(UnmetExpectation{line.number, std::string(expect.text),
                                                  describe(outcome, expect.token.has_value())});
}

std::optional<TraceError> ReplayEngine::run(TraceLine& line) {
    if (line.kind == LineKind::seed) {
        trace_seed_ = line.seed;
        return std::nullopt;
    }
    if (line.kind == LineKind::limits) {
        trace_limits_ = with_caps(trace_limits_, line.limits);
        return std::nullopt;
    }
    if (line.kind == LineKind::nothing && !line.sets_clock) return std::nullopt;
    start();
    if (line.sets_clock) {
        const Nanos before = now();
        const Outcome advanced = issue(req::AdvanceClock{line.clock}, line);
        if (!advanced.ok())
            return TraceError{options_.file, line.number, line.clock_column,
                              "time goes backwards: the clock is already at " + std::to_string(before) +
                                  " ns (a wait moved it there)"};
        clock_ = line.clock;
        last_outcome_ = advanced;
    }
    if (line.kind == LineKind::request) serve(line);
    check(line, last_outcome_);
    return std::nullopt;
}

ReplaySummary& ReplayEngine::finish() {
    start();
    if (model_) {
        for (Transport transport : all_transports)
            summary_.peaks[static_cast<std::size_t>(transport)] = model_->peak_counts(transport);
    }
    return summary_;
}

ReplaySummary replay(std::istream& trace, const BackendFactory& make_backend,
                     const ReplayOptions& options) {
    LineReader reader(trace, options.longest_line);
    TraceParser parser(options.file);
    ReplayEngine engine(make_backend, options);
    ReplaySummary& summary = engine.summary();
    TraceLine line;
    while (const auto next = reader.next()) {
        summary.lines = next->number;
        if (next->too_long) {
            summary.error = TraceError{options.file, next->number,
                                       static_cast<std::uint32_t>(options.longest_line + 1),
                                       "line longer than " + std::to_string(options.longest_line) +
                                           " bytes: not a trace?"};
            break;
        }
        summary.error = parser.parse(next->text, next->number, line);
        if (!summary.error) summary.error = engine.run(line);
        if (summary.error) break;
        if (options.progress && next->number % progress_interval == 0)
            options.progress->update(ReplayProgress{next->number, summary.requests, reader.bytes_read()});
    }
    summary.read_failed = reader.read_failed();
    if (options.progress) options.progress->update(ReplayProgress{summary.lines, summary.requests, reader.bytes_read()});
    return std::move(engine.finish());
}

}  // namespace wsrsim::trace
