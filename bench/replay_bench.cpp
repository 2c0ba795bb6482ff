// Replay speed on a generated churn trace: the reader alone (parse-only), and the
// whole replay (read, parse, serve on the model, check). items_per_second is
// requests per second; `@T` clock changes count as requests, as in replay summaries.
#include <benchmark/benchmark.h>

#include <sstream>
#include <streambuf>

#include "wsrsim/replay.hpp"
#include "wsrsim/trace_gen.hpp"

namespace {

using namespace wsrsim::trace;

constexpr std::uint64_t churn_requests = 500'000;

// The trace text, generated once; with expectations when asked, so the cost of
// checking them shows too.
const std::string& churn_trace(bool expectations) {
    static const std::string plain = [] {
        std::ostringstream out;
        generate_trace(out, GenOptions{.kind = GeneratedTrace::churn, .seed = 1, .events = churn_requests,
                                       .expectations = false});
        return std::move(out).str();
    }();
    static const std::string expected = [] {
        std::ostringstream out;
        generate_trace(out, GenOptions{.kind = GeneratedTrace::churn, .seed = 1, .events = churn_requests,
                                       .expectations = true});
        return std::move(out).str();
    }();
    return expectations ? expected : plain;
}

// Reads a string in place, as a file stream reads its file.
class StringSource : public std::streambuf {
public:
    explicit StringSource(const std::string& text) {
        char* begin = const_cast<char*>(text.data());  // only read through the get area
        setg(begin, begin, begin + text.size());
    }
};

void parse_only(benchmark::State& state) {
    const std::string& text = churn_trace(state.range(0) != 0);
    std::uint64_t requests = 0;
    for (auto _ : state) {
        StringSource source(text);
        std::istream in(&source);
        LineReader reader(in);
        TraceParser parser;
        TraceLine line;
        while (const auto next = reader.next()) {
            if (auto error = parser.parse(next->text, next->number, line)) {
                state.SkipWithError(describe(*error).c_str());
                return;
            }
            requests += (line.kind == LineKind::request) + line.sets_clock;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(requests));
    state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}

void replay_on_model(benchmark::State& state) {
    const std::string& text = churn_trace(state.range(0) != 0);
    std::uint64_t requests = 0;
    for (auto _ : state) {
        StringSource source(text);
        std::istream in(&source);
        ModelHost model;
        const ReplaySummary summary = replay(in, model.factory(), ReplayOptions{});
        if (summary.exit_code() != 0) {
            state.SkipWithError("the churn trace did not replay cleanly");
            return;
        }
        requests += summary.requests;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(requests));
}

// The engine alone: lines parsed beforehand, then served and checked.
void serve_only(benchmark::State& state) {
    const std::string& text = churn_trace(state.range(0) != 0);
    std::vector<TraceLine> lines;
    {
        TraceParser parser;
        std::size_t begin = 0;
        for (std::size_t end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
            lines.emplace_back();
            if (parser.parse(std::string_view(text).substr(begin, end - begin), lines.size(), lines.back())) {
                state.SkipWithError("the churn trace did not parse");
                return;
            }
        }
    }
    std::uint64_t requests = 0;
    for (auto _ : state) {
        ModelHost model;
        ReplayEngine engine(model.factory(), ReplayOptions{});
        for (TraceLine& line : lines) engine.run(line);
        requests += engine.finish().requests;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(requests));
}

}  // namespace

// Argument: 0 = bare requests, 1 = every request with its expectation.
BENCHMARK(parse_only)->Name("trace/parse_only/churn")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(serve_only)->Name("trace/serve_only/churn/model")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(replay_on_model)->Name("trace/replay/churn/model")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
