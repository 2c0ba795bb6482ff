// Winsock on the model: startup, sockets, bind, getsockname and WSAIoctl.
#include <bit>
#include <cstring>
#include <string>
#include <variant>

#include "runtime.hpp"
#include "wsrsim/decisions.hpp"

#include <mstcpip.h>
#include <winsock2.h>
#include <ws2ipdef.h>

using namespace wsrsim;
using namespace wsrsim::win32;

namespace {

int socket_error(int code) { return fail(code, SOCKET_ERROR); }
int socket_error(Error error) { return socket_error(code_of(error)); }

std::optional<Family> family_of(int af) {
    if (af == AF_INET) return Family::v4;
    if (af == AF_INET6) return Family::v6;
    return std::nullopt;
}

std::size_t name_size(Family family) {
    return family == Family::v4 ? sizeof(SOCKADDR_IN) : sizeof(SOCKADDR_IN6);
}

// The model's kind of socket for Winsock's type and protocol, or the Winsock error.
std::variant<SocketKind, int> socket_kind(int type, int protocol) {
    switch (type) {
    case SOCK_STREAM:
        if (protocol == 0 || protocol == IPPROTO_TCP) return SocketKind::tcp;
        return WSAEPROTONOSUPPORT;
    case SOCK_DGRAM:
        if (protocol == 0 || protocol == IPPROTO_UDP) return SocketKind::udp;
        return WSAEPROTONOSUPPORT;
    case SOCK_RAW:
        if (protocol >= 0 && protocol <= IPPROTO_RAW) return SocketKind::other;
        return WSAEPROTONOSUPPORT;
    default: return WSAESOCKTNOSUPPORT;
    }
}

// socket() and WSASocket(): protocol descriptions and socket groups are not modelled.
SOCKET open_socket(int af, int type, int protocol, bool described, GROUP group, bool overlapped) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return fail(WSANOTINITIALISED, INVALID_SOCKET);
    const auto refuse = [&](int code) {
        runtime->recorder().refused("socket " + std::to_string(af) + ' ' + std::to_string(type) +
                                        ' ' + std::to_string(protocol),
                                    code);
        return fail(code, INVALID_SOCKET);
    };
    if (described || group != 0) return refuse(WSAEINVAL);
    const auto family = family_of(af);
    if (!family) return refuse(WSAEAFNOSUPPORT);
    const auto kind = socket_kind(type, protocol);
    if (const int* code = std::get_if<int>(&kind)) return refuse(*code);
    // "To use a socket of type SOCK_RAW requires administrative privileges."
    if (std::get<SocketKind>(kind) == SocketKind::other && !runtime->elevated())
        return refuse(WSAEACCES);
    const Outcome outcome = runtime->open_socket(
        std::get<SocketKind>(kind), SocketOptions{.family = *family, .overlapped = overlapped});
    return outcome.ok() ? outcome.socket : fail(code_of(outcome.error), INVALID_SOCKET);
}

std::string_view ioctl_name(Ioctl ioctl) {
    switch (ioctl) {
    case Ioctl::acquire: return "SIO_ACQUIRE_PORT_RESERVATION";
    case Ioctl::associate: return "SIO_ASSOCIATE_PORT_RESERVATION";
    case Ioctl::release: return "SIO_RELEASE_PORT_RESERVATION";
    }
    return "?";
}

struct IoctlArguments {
    SOCKET socket;
    const void* in;
    DWORD in_size;
    void* out;
    DWORD out_size;
    DWORD* bytes_returned;
    WSAOVERLAPPED* overlapped;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine;
};

// Rows 3-5 of SPEC §2-§4, which the model leaves to this layer. Row 5 of ACQUIRE
// also zeroes *lpcbBytesReturned.
int buffer_fault(Ioctl ioctl, const IoctlArguments& call, bool synchronous) {
    if ((!call.in && call.in_size != 0) || (!call.bytes_returned && synchronous)) return WSAEFAULT;
    if (ioctl == Ioctl::acquire && !call.out && call.out_size != 0)
        return code_of(decision::acquire_null_output);
    if (ioctl != Ioctl::acquire)
        return call.in_size < sizeof(ULONG64) || call.out_size != 0 ? WSAEINVAL : NO_ERROR;
    if (call.in_size != sizeof(INET_PORT_RANGE)) return WSAEINVAL;
    if (call.out_size < sizeof(INET_PORT_RESERVATION_INSTANCE)) {
        if (call.bytes_returned) *call.bytes_returned = 0;
        return WSAEINVAL;
    }
    return NO_ERROR;
}

IoctlRequest request_of(Ioctl ioctl, const void* in) {
    IoctlRequest request{.ioctl = ioctl, .block = {}, .token = invalid_token};
    if (ioctl == Ioctl::acquire) {
        INET_PORT_RANGE range;
        std::memcpy(&range, in, sizeof range);
        request.block = PortBlock{ntohs(range.StartPort), range.NumberOfPorts};
    } else {
        std::memcpy(&request.token, in, sizeof request.token);
    }
    return request;
}

// The three reservation IOCTLs, their rows in the SPEC's order: 1 (an open socket,
// checked by the caller), 2, the buffers (3-5), then the model (6 on).
int reservation_ioctl(Runtime& runtime, Ioctl ioctl, const IoctlArguments& call) {
    const auto refuse = [&](int code) {
        runtime.recorder().refused("WSAIoctl " + runtime.recorder().socket_name(call.socket) + ' ' +
                                       std::string(ioctl_name(ioctl)),
                                   code);
        return socket_error(code);
    };
    const SocketView socket = *runtime.host().socket(call.socket);
    if (!transport_of(socket.kind)) return refuse(WSAEOPNOTSUPP);
    // lpOverlapped and lpCompletionRoutine are ignored for non-overlapped sockets.
    const bool synchronous = !call.overlapped || !socket.options.overlapped;
    if (const int fault = buffer_fault(ioctl, call, synchronous)) return refuse(fault);

    const Completion completion{call.overlapped, call.routine, call.out};
    const Outcome outcome =
        runtime.ioctl(call.socket, request_of(ioctl, call.in), synchronous ? nullptr : &completion);
    if (!outcome.ok()) return socket_error(outcome.error);  // WSA_IO_PENDING included
    if (ioctl == Ioctl::acquire) write_reservation(call.out, outcome);
    *call.bytes_returned = bytes_of(ioctl);
    return 0;
}

std::optional<Ioctl> reservation_ioctl_of(DWORD code) {
    switch (code) {
    case SIO_ACQUIRE_PORT_RESERVATION: return Ioctl::acquire;
    case SIO_ASSOCIATE_PORT_RESERVATION: return Ioctl::associate;
    case SIO_RELEASE_PORT_RESERVATION: return Ioctl::release;
    default: return std::nullopt;
    }
}

std::uint16_t swap_on_little_endian(std::uint16_t value) {
    if constexpr (std::endian::native == std::endian::big) return value;
    return static_cast<std::uint16_t>((value >> 8) | (value << 8));
}

std::uint32_t swap_on_little_endian(std::uint32_t value) {
    if constexpr (std::endian::native == std::endian::big) return value;
    return (value >> 24) | ((value >> 8) & 0xff00u) | ((value << 8) & 0xff0000u) | (value << 24);
}

}  // namespace

extern "C" {

int WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) {
    constexpr WORD highest = MAKEWORD(2, 2);
    if (!lpWSAData) return WSAEFAULT;
    if (LOBYTE(wVersionRequested) < 1) return WSAVERNOTSUPPORTED;
    Session session;
    if (!session.runtime_or_create()) return WSASYSNOTREADY;
    session.startup();
    const bool above_highest = LOBYTE(wVersionRequested) > 2 ||
                               (LOBYTE(wVersionRequested) == 2 && HIBYTE(wVersionRequested) > 2);
    *lpWSAData = WSADATA{};
    lpWSAData->wVersion = above_highest ? highest : wVersionRequested;
    lpWSAData->wHighVersion = highest;
    std::strcpy(lpWSAData->szDescription, "WinSock 2.0");
    std::strcpy(lpWSAData->szSystemStatus, "Running");
    return 0;
}

// The last WSACleanup closes every socket the program left open, as Windows does.
int WSACleanup(void) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return socket_error(WSANOTINITIALISED);
    if (session.cleanup()) runtime->close_all_sockets();
    return 0;
}

int WSAGetLastError(void) { return last_error(); }

void WSASetLastError(int iError) { set_last_error(iError); }

SOCKET socket(int af, int type, int protocol) {
    return open_socket(af, type, protocol, false, 0, true);  // socket() sockets are overlapped
}

SOCKET WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g,
                  DWORD dwFlags) {
    return open_socket(af, type, protocol, lpProtocolInfo != nullptr, g,
                       (dwFlags & WSA_FLAG_OVERLAPPED) != 0);
}

SOCKET WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                  DWORD dwFlags) {
    return open_socket(af, type, protocol, lpProtocolInfo != nullptr, g,
                       (dwFlags & WSA_FLAG_OVERLAPPED) != 0);
}

int closesocket(SOCKET s) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return socket_error(WSANOTINITIALISED);
    if (!runtime->require_open(s, "closesocket")) return socket_error(WSAENOTSOCK);
    const Error error = runtime->close_socket(s);
    return error == Error::ok ? 0 : socket_error(error);
}

int bind(SOCKET s, const struct sockaddr* name, int namelen) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return socket_error(WSANOTINITIALISED);
    if (!runtime->require_open(s, "bind")) return socket_error(WSAENOTSOCK);
    // The name must be an address of the socket's own family, whole.
    const Family family = runtime->host().socket(s)->options.family;
    const std::size_t size = name_size(family);
    if (!name || namelen < 0 || static_cast<std::size_t>(namelen) < size ||
        family_of(name->sa_family) != family) {
        runtime->recorder().refused("bind " + runtime->recorder().socket_name(s), WSAEFAULT);
        return socket_error(WSAEFAULT);
    }
    const Outcome outcome = runtime->bind(s, name, size);
    return outcome.ok() ? 0 : socket_error(outcome.error);
}

int getsockname(SOCKET s, struct sockaddr* name, int* namelen) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return socket_error(WSANOTINITIALISED);
    if (!runtime->require_open(s, "getsockname")) return socket_error(WSAENOTSOCK);
    const std::size_t size = name_size(runtime->host().socket(s)->options.family);
    if (!name || !namelen || *namelen < 0 || static_cast<std::size_t>(*namelen) < size) {
        runtime->recorder().refused("getsockname " + runtime->recorder().socket_name(s), WSAEFAULT);
        return socket_error(WSAEFAULT);
    }
    SOCKADDR_STORAGE bound;
    const Outcome outcome = runtime->getsockname(s, bound);
    if (!outcome.ok()) return socket_error(outcome.error);
    std::memcpy(name, &bound, size);
    *namelen = static_cast<int>(size);
    return 0;
}

int WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
             LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
             LPWSAOVERLAPPED lpOverlapped, LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) {
    Session session;
    Runtime* runtime = session.winsock();
    if (!runtime) return socket_error(WSANOTINITIALISED);
    if (!runtime->require_open(s, "WSAIoctl")) return socket_error(WSAENOTSOCK);
    if (const auto ioctl = reservation_ioctl_of(dwIoControlCode))
        return reservation_ioctl(
            *runtime, *ioctl,
            IoctlArguments{s, lpvInBuffer, cbInBuffer, lpvOutBuffer, cbOutBuffer, lpcbBytesReturned,
                           lpOverlapped, lpCompletionRoutine});
    if (dwIoControlCode == FIONBIO) {
        // No call of this layer blocks (SPEC §6), so the mode changes nothing else.
        if (!lpvInBuffer || cbInBuffer < sizeof(ULONG)) return socket_error(WSAEFAULT);
        if (lpcbBytesReturned) *lpcbBytesReturned = 0;
        return 0;
    }
    return socket_error(WSAEOPNOTSUPP);
}

u_short htons(u_short hostshort) { return swap_on_little_endian(std::uint16_t{hostshort}); }
u_short ntohs(u_short netshort) { return swap_on_little_endian(std::uint16_t{netshort}); }
ULONG htonl(ULONG hostlong) { return swap_on_little_endian(std::uint32_t{hostlong}); }
ULONG ntohl(ULONG netlong) { return swap_on_little_endian(std::uint32_t{netlong}); }

}  // extern "C"
