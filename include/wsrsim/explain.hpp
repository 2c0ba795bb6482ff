// "What would happen if I did this, and why?" for one bind, acquire or
// persistent create on a host, typically one recreated from a pasted netsh table.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wsrsim/host.hpp"

namespace wsrsim::trace {

enum class Question : std::uint8_t {
    bind,            // bind PORT on a new socket
    acquire,         // SIO_ACQUIRE_PORT_RESERVATION of START COUNT on a new socket
    persist_create,  // CreatePersistent*PortReservation / netsh add excludedportrange
};

std::optional<Question> parse_question(std::string_view word);  // "bind", "acquire", "persist-create"

struct ExplainRequest {
    Question question = Question::bind;
    Transport transport = Transport::tcp;
    Port start = 0;  // the port for bind
    Port count = 1;
    bool elevated = false;
};

// A reservation that decides the outcome, with its owner's name.
struct DecidingReservation {
    ReservationView reservation;
    std::string owner_name;  // runtime only
};

struct Explanation {
    std::string request;  // "bind tcp 1258"
    Outcome outcome;
    std::vector<DecidingReservation> deciding;
    std::string why;     // the rule that applied, with its SPEC section
    std::string advice;  // what a user can do about it; empty if nothing is wrong
};

// Performs the request on `host` as a new process (pid 1000 or the next free
// one) and explains the outcome.
Explanation explain(Host& host, const ExplainRequest& request);

// "1224-1323 tcp, runtime reservation of pid 4 (System)"
std::string describe(const DecidingReservation& deciding);

}  // namespace wsrsim::trace
