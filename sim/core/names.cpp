// Spellings of the model's enumerations, for traces, reports and netsh.
#include <array>
#include <charconv>

#include "wsrsim/error.hpp"
#include "wsrsim/host.hpp"
#include "wsrsim/policy.hpp"
#include "wsrsim/ports.hpp"
#include "wsrsim/word_index.hpp"

namespace wsrsim {
namespace {

struct ErrorText {
    Error error;
    std::string_view name;
    std::string_view message;
};

constexpr std::array error_texts{
    ErrorText{Error::ok, "NO_ERROR", "The operation completed successfully."},
    ErrorText{Error::access_denied, "ERROR_ACCESS_DENIED", "Access is denied."},
    ErrorText{Error::sharing_violation, "ERROR_SHARING_VIOLATION",
              "The process cannot access the file because it is being used by another process."},
    ErrorText{Error::invalid_parameter, "ERROR_INVALID_PARAMETER", "The parameter is incorrect."},
    ErrorText{Error::already_exists, "ERROR_ALREADY_EXISTS",
              "Cannot create a file when that file already exists."},
    ErrorText{Error::operation_aborted, "WSA_OPERATION_ABORTED",
              "The I/O operation has been aborted because of either a thread exit or an application request."},
    ErrorText{Error::io_incomplete, "WSA_IO_INCOMPLETE",
              "Overlapped I/O event is not in a signaled state."},
    ErrorText{Error::io_pending, "WSA_IO_PENDING", "Overlapped I/O operation is in progress."},
    ErrorText{Error::not_found, "ERROR_NOT_FOUND", "Element not found."},
    ErrorText{Error::no_system_resources, "ERROR_NO_SYSTEM_RESOURCES",
              "Insufficient system resources exist to complete the requested service."},
    ErrorText{Error::wsaeintr, "WSAEINTR", "A blocking operation was interrupted by a call to WSACancelBlockingCall."},
    ErrorText{Error::wsaeacces, "WSAEACCES",
              "An attempt was made to access a socket in a way forbidden by its access permissions."},
    ErrorText{Error::wsaefault, "WSAEFAULT",
              "The system detected an invalid pointer address in attempting to use a pointer argument in a call."},
    ErrorText{Error::wsaeinval, "WSAEINVAL", "An invalid argument was supplied."},
    ErrorText{Error::wsaemfile, "WSAEMFILE", "Too many open sockets."},
    ErrorText{Error::wsaeinprogress, "WSAEINPROGRESS", "A blocking operation is currently executing."},
    ErrorText{Error::wsaenotsock, "WSAENOTSOCK", "An operation was attempted on something that is not a socket."},
    ErrorText{Error::wsaeopnotsupp, "WSAEOPNOTSUPP",
              "The attempted operation is not supported for the type of object referenced."},
    ErrorText{Error::wsaeaddrinuse, "WSAEADDRINUSE",
              "Only one usage of each socket address (protocol/network address/port) is normally permitted."},
    ErrorText{Error::wsaenetdown, "WSAENETDOWN", "A socket operation encountered a dead network."},
    ErrorText{Error::wsaenobufs, "WSAENOBUFS",
              "An operation on a socket could not be performed because the system lacked sufficient buffer space or because a queue was full."},
    ErrorText{Error::wsanotinitialised, "WSANOTINITIALISED",
              "Either the application has not called WSAStartup, or WSAStartup failed."},
};

constexpr auto error_index = index_of_names(error_texts, &ErrorText::name);

const ErrorText* text_of(Error error) {
    for (const ErrorText& text : error_texts)
        if (text.error == error) return &text;
    return nullptr;
}

// Looks a spelling up in a table of {value, name} pairs.
template <class Table, class Value = decltype(Table::value_type::first)>
std::optional<Value> lookup(const Table& table, std::string_view name) {
    for (const auto& [value, spelling] : table)
        if (same_word(spelling, name)) return value;
    return std::nullopt;
}

template <class Table, class Value = decltype(Table::value_type::first)>
std::string_view spelling_of(const Table& table, Value value) {
    for (const auto& [candidate, spelling] : table)
        if (candidate == value) return spelling;
    return "?";
}

constexpr std::array transports{std::pair{Transport::tcp, std::string_view{"tcp"}},
                                std::pair{Transport::udp, std::string_view{"udp"}}};
constexpr std::array placements{
    std::pair{WildcardPlacement::first_fit, std::string_view{"first-fit"}},
    std::pair{WildcardPlacement::next_fit, std::string_view{"next-fit"}},
    std::pair{WildcardPlacement::random, std::string_view{"random"}},
    std::pair{WildcardPlacement::clustered, std::string_view{"clustered"}}};
constexpr std::array ephemerals{
    std::pair{EphemeralPolicy::sequential, std::string_view{"sequential"}},
    std::pair{EphemeralPolicy::random, std::string_view{"random"}}};
constexpr std::array socket_kinds{std::pair{SocketKind::tcp, std::string_view{"tcp"}},
                                  std::pair{SocketKind::udp, std::string_view{"udp"}},
                                  std::pair{SocketKind::other, std::string_view{"raw"}}};

}  // namespace

std::string_view error_name(Error error) {
    const ErrorText* text = text_of(error);
    return text ? text->name : "UNKNOWN_ERROR";
}

std::string_view system_message(Error error) {
    const ErrorText* text = text_of(error);
    return text ? text->message : "Unknown error.";
}

std::optional<Error> parse_error(std::string_view text) {
    if (text.empty()) return std::nullopt;
    // Trace replay reads an outcome per line: found by hash, not by a loop.
    if (const auto known = error_index.find(text)) return error_texts[*known].error;
    std::uint32_t number = 0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (status != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (const ErrorText* known = text_of(static_cast<Error>(number))) return known->error;
    return std::nullopt;
}

std::string_view transport_name(Transport transport) { return spelling_of(transports, transport); }
std::optional<Transport> parse_transport(std::string_view text) { return lookup(transports, text); }
std::string_view placement_name(WildcardPlacement placement) { return spelling_of(placements, placement); }
std::optional<WildcardPlacement> parse_placement(std::string_view text) { return lookup(placements, text); }
std::string_view ephemeral_name(EphemeralPolicy policy) { return spelling_of(ephemerals, policy); }
std::optional<EphemeralPolicy> parse_ephemeral(std::string_view text) { return lookup(ephemerals, text); }
std::string_view socket_kind_name(SocketKind kind) { return spelling_of(socket_kinds, kind); }
std::optional<SocketKind> parse_socket_kind(std::string_view text) { return lookup(socket_kinds, text); }

std::optional<Transport> transport_of(SocketKind kind) {
    switch (kind) {
    case SocketKind::tcp: return Transport::tcp;
    case SocketKind::udp: return Transport::udp;
    case SocketKind::other: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace wsrsim
