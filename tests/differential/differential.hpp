// The fast model (sim/core) and the reference model, run side by side on the
// same requests and compared after every one; and what to print when they part.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reference_model.hpp"
#include "wsrsim/host.hpp"

namespace wsrsim::differential {

// Both models normally get the same configuration; the harness's own test gives
// them different ones to see a disagreement found and shrunk.
struct ModelConfigs {
    HostConfig fast;
    HostConfig reference;
};

inline ModelConfigs same_configs(std::uint64_t seed) {
    return ModelConfigs{HostConfig{.seed = seed}, HostConfig{.seed = seed}};
}

class SideBySide {
public:
    explicit SideBySide(const ModelConfigs& configs)
        : fast_(configs.fast), reference_(configs.reference) {}

    struct Result {
        Outcome outcome;          // the reference's
        std::string differences;  // empty when the models agree on everything observable
    };
    // Serves the request on both models, then compares outcomes, netsh tables,
    // counts, reservations, dynamic ranges and clocks.
    Result serve(const Request& request);

    const reference::ReferenceHost& reference() const { return reference_; }

private:
    Host fast_;
    reference::ReferenceHost reference_;
};

// A request of a run and the reference's outcome for it in that run.
struct Step {
    Request request;
    Outcome outcome;
};

struct Mismatch {
    std::size_t step;  // index of the step after which the models disagree
    std::string differences;
};

struct Run {
    std::vector<Step> steps;  // up to and including the first mismatch
    std::optional<Mismatch> mismatch;
};

// Serves the steps' requests until the models first disagree. A handle, token or
// request id that an earlier step gave in the steps' own run is renamed to what
// that step gives here, so a list with steps left out keeps its meaning. The
// result holds the requests as served.
Run replay(const std::vector<Step>& steps, const ModelConfigs& configs);

// `length` generated requests for one seed, checked as they go; stops at the first mismatch.
Run run_generated(std::uint64_t seed, std::size_t length);

// A failing run cut down by delta debugging: no single step can be left out and
// the models still disagree. It ends at its first mismatch.
Run shrink(const Run& failing, const ModelConfigs& configs);

// Readable, trace-like forms: "acquire 0x104 5000 20 async", "WSAEINVAL", ...
std::string describe(const Request& request);
std::string describe(const Outcome& outcome);

// For a failing run: the seed, the length of the shortest failing prefix, and the
// shrunk request list with the reference's outcomes and the differences at its end.
std::string failure_report(const ModelConfigs& configs, const Run& failing);

}  // namespace wsrsim::differential
