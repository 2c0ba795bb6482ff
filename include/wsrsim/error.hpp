// Windows error codes: the only way the model reports failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wsrsim {

// Values are the real Win32 / Winsock numbers (SPEC "Numbers"), so they can be
// handed to Windows code unchanged.
enum class Error : std::uint32_t {
    ok = 0,                     // NO_ERROR
    access_denied = 5,          // ERROR_ACCESS_DENIED
    sharing_violation = 32,     // ERROR_SHARING_VIOLATION
    invalid_parameter = 87,     // ERROR_INVALID_PARAMETER
    already_exists = 183,       // ERROR_ALREADY_EXISTS
    no_system_resources = 1450, // ERROR_NO_SYSTEM_RESOURCES
    operation_aborted = 995,    // WSA_OPERATION_ABORTED
    io_incomplete = 996,        // WSA_IO_INCOMPLETE
    io_pending = 997,           // WSA_IO_PENDING
    not_found = 1168,           // ERROR_NOT_FOUND
    wsaeintr = 10004,
    wsaeacces = 10013,
    wsaefault = 10014,
    wsaeinval = 10022,
    wsaemfile = 10024,
    wsaeinprogress = 10036,
    wsaenotsock = 10038,
    wsaeopnotsupp = 10045,
    wsaeaddrinuse = 10048,
    wsaenetdown = 10050,
    wsaenobufs = 10055,
    wsanotinitialised = 10093,
};

// The Windows spelling, e.g. "WSAEINVAL", "ERROR_NOT_FOUND", "NO_ERROR".
std::string_view error_name(Error error);

// Inverse of error_name; also accepts the decimal number of a known code.
std::optional<Error> parse_error(std::string_view text);

// The text Windows prints for the code (netsh shows it on failure), without a newline.
std::string_view system_message(Error error);

}  // namespace wsrsim
