// What a request to the host gives back.
#pragma once

#include <cstdint>

#include "wsrsim/error.hpp"
#include "wsrsim/ports.hpp"
#include "wsrsim/token.hpp"

namespace wsrsim {

using Pid = std::uint32_t;
using SocketHandle = std::uint64_t;  // never reused within a host's lifetime
using RequestId = std::uint64_t;     // an overlapped request; never 0

inline constexpr SocketHandle no_socket = 0;

// One flat record for every kind of request, so replay, comparison and
// event logs treat them alike. Fields a request does not produce stay zero.
struct Outcome {
    Error error = Error::ok;
    PortBlock block{};          // acquire: the block reserved
    Token token = invalid_token;  // acquire, persistent create / lookup
    Port port = 0;              // bind, getsockname
    SocketHandle socket = no_socket;  // open_socket
    RequestId request = 0;      // an overlapped request that pends (error = io_pending)

    bool ok() const { return error == Error::ok; }
    friend bool operator==(const Outcome&, const Outcome&) = default;
};

inline Outcome failure(Error error) { return Outcome{.error = error}; }

}  // namespace wsrsim
