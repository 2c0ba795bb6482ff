#include "wsrsim/divergence.hpp"

#include <limits>

namespace wsrsim {
namespace {

template <class Id>
Id translated(const std::unordered_map<Id, Id>& pairs, Id id) {
    const auto it = pairs.find(id);
    return it == pairs.end() ? id : it->second;
}

template <class Id>
void pair(std::unordered_map<Id, Id>& pairs, Id reference, Id subject) {
    if (reference != Id{}) pairs.insert_or_assign(reference, subject);
}

}  // namespace

bool outcomes_agree(const Outcome& reference, const Outcome& subject) {
    return reference.error == subject.error && reference.block == subject.block &&
           reference.port == subject.port &&
           (reference.token == invalid_token) == (subject.token == invalid_token) &&
           (reference.socket == no_socket) == (subject.socket == no_socket) &&
           (reference.request == 0) == (subject.request == 0);
}

Lockstep::Lockstep(Backend& reference, Backend& subject, std::size_t detail_limit)
    : reference_(reference),
      subject_(subject),
      detail_limit_(detail_limit),
      name_(std::string{reference.name()} + " vs " + std::string{subject.name()}) {}

Request Lockstep::for_subject(const Request& request) const {
    return std::visit(
        [this](auto r) -> Request {
            if constexpr (requires { r.socket; }) r.socket = translated(sockets_, r.socket);
            if constexpr (requires { r.token; }) r.token = translated(tokens_, r.token);
            if constexpr (requires { r.request; }) r.request = translated(request_ids_, r.request);
            return r;
        },
        request);
}

// A subject that has no counterpart gets 0, which names nothing there either.
void Lockstep::pair_identities(const Outcome& reference, const Outcome& subject) {
    pair(sockets_, reference.socket, subject.socket);
    pair(tokens_, reference.token, subject.token);
    pair(request_ids_, reference.request, subject.request);
}

Outcome Lockstep::apply(const Request& request) {
    const Request translated_request = for_subject(request);
    const Outcome reference = reference_.apply(request);
    const Outcome subject = subject_.apply(translated_request);
    ++requests_;
    pair_identities(reference, subject);
    if (!outcomes_agree(reference, subject)) {
        ++divergent_;
        if (reference.error != subject.error) ++divergent_codes_;
        if (divergences_.size() < detail_limit_)
            divergences_.push_back(Divergence{requests_, 0, request, reference, subject});
    }
    return reference;
}

void Lockstep::forget(RequestId request) {
    reference_.forget(request);
    subject_.forget(translated(request_ids_, request));
    request_ids_.erase(request);
}

void Lockstep::attribute_to_line(std::uint64_t line) {
    for (std::size_t i = unattributed_from_; i < divergences_.size(); ++i) divergences_[i].line = line;
    unattributed_from_ = divergences_.size();
}

std::vector<Divergence> find_divergences(Backend& reference, Backend& subject,
                                         std::span<const Request> requests) {
    Lockstep both(reference, subject, std::numeric_limits<std::size_t>::max());
    for (const Request& request : requests) both.apply(request);
    return both.divergences();
}

}  // namespace wsrsim
