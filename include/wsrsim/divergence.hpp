// Two backends side by side: every request served by both, the reference's
// outcome handed back, and each place where the other (the subject) answered
// differently recorded. `wsrsim replay --backend linux` reports the model
// against the Linux backend this way; a divergence is a finding, not a failure.
//
// With the replay engine (wsrsim/replay.hpp), whose expectations then check the model:
//
//   trace::ModelHost model;
//   std::optional<LinuxBackend> linux_backend;
//   std::optional<Lockstep> both;
//   auto factory = [&](const HostConfig& config) -> Backend& {
//       Backend& reference = model.start(config);
//       linux_backend.emplace(config);
//       return both.emplace(reference, *linux_backend);
//   };
//   // an EventSink whose record(event) calls both->attribute_to_line(event.line)
//   trace::replay(stream, factory, options);
//   for (const Divergence& d : both->divergences())  // line, describe(reference), describe(subject)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "wsrsim/backend.hpp"

namespace wsrsim {

// Outcomes agree when their error code, block and port are equal and both
// carry, or both lack, a token, a socket and a request id. Those three are
// opaque identities that each backend draws itself, so only their presence is
// compared.
bool outcomes_agree(const Outcome& reference, const Outcome& subject);

struct Divergence {
    std::uint64_t sequence = 0;  // which request, counting from 1
    std::uint64_t line = 0;      // the trace line, once told (Lockstep::attribute_to_line)
    Request request;             // as the caller issued it, in the reference's identities
    Outcome reference;
    Outcome subject;

    // False when only a port or block differs (an ephemeral port, a wildcard
    // block's place), true when the backends disagree on success or on the code.
    bool codes_differ() const { return reference.error != subject.error; }
};

// A Backend that serves each request on both backends and answers with the
// reference's outcome, so a replay engine driving it sees the reference (its
// expectations and model() are the reference's).
//
// Sockets, tokens and request ids reach the subject translated: each one the
// reference hands out is paired with the one the subject handed out for the
// same request, so a subject that refused or numbered differently once does
// not diverge on every later request that names the same object. An identity
// the reference never handed out (a literal token in a trace) passes unchanged.
class Lockstep final : public Backend {
public:
    // Keeps the details of the first `detail_limit` divergences; counts all.
    Lockstep(Backend& reference, Backend& subject, std::size_t detail_limit = 1000);

    std::string_view name() const override { return name_; }  // "model vs linux"
    Outcome apply(const Request& request) override;
    const Host* model() const override { return reference_.model(); }
    void forget(RequestId request) override;

    // Every divergence recorded since the previous call came from trace line
    // `line`: call it after serving each line (from an EventSink, say).
    void attribute_to_line(std::uint64_t line);

    const std::vector<Divergence>& divergences() const { return divergences_; }
    std::uint64_t requests() const { return requests_; }
    std::uint64_t divergent() const { return divergent_; }           // all, kept or not
    std::uint64_t divergent_codes() const { return divergent_codes_; }  // of those, codes_differ()

private:
    Request for_subject(const Request& request) const;
    void pair_identities(const Outcome& reference, const Outcome& subject);

    Backend& reference_;
    Backend& subject_;
    std::size_t detail_limit_;
    std::string name_;
    std::unordered_map<SocketHandle, SocketHandle> sockets_;
    std::unordered_map<Token, Token> tokens_;
    std::unordered_map<RequestId, RequestId> request_ids_;
    std::vector<Divergence> divergences_;
    std::size_t unattributed_from_ = 0;  // first divergence without a line
    std::uint64_t requests_ = 0;
    std::uint64_t divergent_ = 0;
    std::uint64_t divergent_codes_ = 0;
};

// Serves `requests` in order on both backends; every divergence, in order.
std::vector<Divergence> find_divergences(Backend& reference, Backend& subject,
                                         std::span<const Request> requests);

}  // namespace wsrsim
