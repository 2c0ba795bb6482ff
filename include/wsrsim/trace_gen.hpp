// Synthetic traces for `wsrsim gen` and the benchmark.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "wsrsim/policy.hpp"
#include "wsrsim/trace_reader.hpp"

namespace wsrsim::trace {

enum class GeneratedTrace : std::uint8_t {
    hyperv,   // a service takes 100-port wildcard blocks at each boot; applications bind fixed ports
    churn,    // a random mix of every request, errors included; the state stays bounded
    exhaust,  // wildcard blocks until WSAENOBUFS
};

std::optional<GeneratedTrace> parse_generated_trace(std::string_view name);
std::string_view generated_trace_name(GeneratedTrace kind);

struct GenOptions {
    GeneratedTrace kind = GeneratedTrace::churn;
    std::uint64_t seed = 1;
    std::uint64_t events = 1000;  // requests to write (exhaust may stop earlier)
    bool expectations = true;     // end each request with its outcome on the model
    std::optional<WildcardPlacement> placement;  // if set, a `policy wildcard=` line after `seed`
};

// Writes a trace; the same options write the same trace. Every line is run on a
// model host as it is written (exhaust stops by it, expectations come from it), so
// a line the reader refuses is a generator bug: it comes back as the error.
std::optional<TraceError> generate_trace(std::ostream& out, const GenOptions& options);

}  // namespace wsrsim::trace
