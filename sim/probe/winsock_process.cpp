#include "winsock_process.hpp"

#include <ws2tcpip.h>

namespace wsrsim::probe {
namespace {

Outcome last_socket_error() { return failure(static_cast<Error>(WSAGetLastError())); }

// Any address of the socket's family: the model does not model addresses (SPEC §5).
sockaddr_storage wildcard_address(int family, Port port) {
    sockaddr_storage address{};
    if (family == AF_INET6) {
        auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
    } else {
        auto& v4 = reinterpret_cast<sockaddr_in&>(address);
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
    }
    return address;
}

Outcome acquired(const INET_PORT_RESERVATION_INSTANCE& instance) {
    return Outcome{.block = {ntohs(instance.Reservation.StartPort), instance.Reservation.NumberOfPorts},
                   .token = instance.Token.Token};
}

}  // namespace

PersistentApi::PersistentApi() : iphlpapi_(LoadLibraryW(L"iphlpapi.dll")) {
    const auto find = [this](const char* name, auto& function) {
        const FARPROC address = iphlpapi_ ? GetProcAddress(iphlpapi_, name) : nullptr;
        if (!address) missing_.push_back(name);
        function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(reinterpret_cast<void*>(address));
    };
    Functions& tcp = functions_[static_cast<std::size_t>(Transport::tcp)];
    Functions& udp = functions_[static_cast<std::size_t>(Transport::udp)];
    find("CreatePersistentTcpPortReservation", tcp.create);
    find("DeletePersistentTcpPortReservation", tcp.remove);
    find("LookupPersistentTcpPortReservation", tcp.lookup);
    find("CreatePersistentUdpPortReservation", udp.create);
    find("DeletePersistentUdpPortReservation", udp.remove);
    find("LookupPersistentUdpPortReservation", udp.lookup);
}

PersistentApi::~PersistentApi() {
    if (iphlpapi_) FreeLibrary(iphlpapi_);
}

WinsockProcess::WinsockProcess() {
    WSADATA data;
    startup_error_ = static_cast<Error>(WSAStartup(MAKEWORD(2, 2), &data));
}

// WSACleanup closes the sockets still open, as the process's exit would.
WinsockProcess::~WinsockProcess() {
    if (startup_error_ == Error::ok) WSACleanup();
}

Outcome WinsockProcess::serve(const ProcessRequest& request) {
    return std::visit(
        [this](const auto& r) -> Outcome {
            using R = std::decay_t<decltype(r)>;
            if constexpr (std::is_same_v<R, req::OpenSocket>) return open_socket(r);
            else if constexpr (std::is_same_v<R, req::CloseSocket>) return close_socket(r.socket);
            else if constexpr (std::is_same_v<R, req::Bind>) return bind(r);
            else if constexpr (std::is_same_v<R, req::GetSockName>) return getsockname(r.socket);
            else if constexpr (std::is_same_v<R, req::Acquire>)
                return ioctl(r.socket, SIO_ACQUIRE_PORT_RESERVATION, r.mode, &r.block, invalid_token);
            else if constexpr (std::is_same_v<R, req::Associate>)
                return ioctl(r.socket, SIO_ASSOCIATE_PORT_RESERVATION, r.mode, nullptr, r.token);
            else if constexpr (std::is_same_v<R, req::Release>)
                return ioctl(r.socket, SIO_RELEASE_PORT_RESERVATION, r.mode, nullptr, r.token);
            else if constexpr (std::is_same_v<R, req::Wait>) return wait(r.request);
            else if constexpr (std::is_same_v<R, req::PersistCreate>) return persist_create(r);
            else if constexpr (std::is_same_v<R, req::PersistDelete>) return persist_delete(r.transport, r.block);
            else return persist_lookup(r.transport, r.block);
        },
        request);
}

Outcome WinsockProcess::open_socket(const req::OpenSocket& request) {
    const int family = request.options.family == Family::v6 ? AF_INET6 : AF_INET;
    int type = SOCK_RAW;
    int protocol = IPPROTO_RAW;
    if (request.kind == SocketKind::tcp) {
        type = SOCK_STREAM;
        protocol = IPPROTO_TCP;
    } else if (request.kind == SocketKind::udp) {
        type = SOCK_DGRAM;
        protocol = IPPROTO_UDP;
    }
    const SOCKET handle =
        WSASocketW(family, type, protocol, nullptr, 0, request.options.overlapped ? WSA_FLAG_OVERLAPPED : 0);
    if (handle == INVALID_SOCKET) return last_socket_error();
    const SocketHandle id = next_socket_++;
    sockets_.emplace(id, handle);
    return Outcome{.socket = id};
}

Outcome WinsockProcess::close_socket(SocketHandle socket) {
    const auto found = sockets_.find(socket);
    if (found == sockets_.end()) return failure(Error::wsaenotsock);
    const int result = closesocket(found->second);
    sockets_.erase(found);
    return result == 0 ? Outcome{} : last_socket_error();
}

Outcome WinsockProcess::bind(const req::Bind& request) {
    const auto found = sockets_.find(request.socket);
    if (found == sockets_.end()) return failure(Error::wsaenotsock);
    WSAPROTOCOL_INFOW info{};
    int size = sizeof info;
    if (::getsockopt(found->second, SOL_SOCKET, SO_PROTOCOL_INFOW, reinterpret_cast<char*>(&info), &size) != 0)
        return last_socket_error();
    const sockaddr_storage address = wildcard_address(info.iAddressFamily, request.port);
    const int length = info.iAddressFamily == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    if (::bind(found->second, reinterpret_cast<const sockaddr*>(&address), length) != 0)
        return last_socket_error();
    return getsockname(request.socket);
}

Outcome WinsockProcess::getsockname(SocketHandle socket) {
    const auto found = sockets_.find(socket);
    if (found == sockets_.end()) return failure(Error::wsaenotsock);
    sockaddr_storage address{};
    int length = sizeof address;
    if (::getsockname(found->second, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return last_socket_error();
    // sin_port and sin6_port lie at the same offset.
    return Outcome{.port = ntohs(reinterpret_cast<const sockaddr_in&>(address).sin_port)};
}

// ACQUIRE when `block` is given, otherwise ASSOCIATE or RELEASE of `token`.
Outcome WinsockProcess::ioctl(SocketHandle socket, DWORD code, IoMode mode, const PortBlock* block, Token token) {
    const auto found = sockets_.find(socket);
    if (found == sockets_.end()) return failure(Error::wsaenotsock);
    auto call = std::make_unique<Overlapped>();
    call->socket = found->second;
    call->range = INET_PORT_RANGE{block ? htons(block->start) : USHORT{0}, block ? block->count : USHORT{0}};
    call->token = token;
    void* input = block ? static_cast<void*>(&call->range) : &call->token;
    const DWORD input_size = block ? sizeof call->range : sizeof call->token;
    void* output = block ? &call->instance : nullptr;
    const DWORD output_size = block ? sizeof call->instance : 0;
    DWORD bytes = 0;
    WSAOVERLAPPED* overlapped = nullptr;
    if (mode == IoMode::overlapped) {
        call->overlapped.hEvent = WSACreateEvent();
        overlapped = &call->overlapped;
    }
    const int result = WSAIoctl(call->socket, code, input, input_size, output, output_size, &bytes, overlapped, nullptr);
    if (result != 0 && WSAGetLastError() == WSA_IO_PENDING) {
        const RequestId id = next_request_++;
        overlapped_.emplace(id, std::move(call));
        return Outcome{.error = Error::io_pending, .request = id};
    }
    if (overlapped) WSACloseEvent(call->overlapped.hEvent);
    if (result != 0) return last_socket_error();
    if (!block) return Outcome{};
    return acquired(call->instance);
}

Outcome WinsockProcess::wait(RequestId request) {
    const auto found = overlapped_.find(request);
    if (found == overlapped_.end()) return failure(Error::invalid_parameter);
    const std::unique_ptr<Overlapped> call = std::move(found->second);
    overlapped_.erase(found);
    DWORD bytes = 0;
    DWORD flags = 0;
    const BOOL done = WSAGetOverlappedResult(call->socket, &call->overlapped, &bytes, TRUE, &flags);
    WSACloseEvent(call->overlapped.hEvent);
    if (!done) return last_socket_error();
    if (bytes < sizeof call->instance) return Outcome{};
    return acquired(call->instance);
}

Outcome WinsockProcess::persist_create(const req::PersistCreate& request) {
    if (request.store != ReservationKind::persistent) return failure(not_probed);
    const auto create = persistent_.of(request.transport).create;
    if (!create) return failure(procedure_missing);
    ULONG64 token = 0;
    const ULONG result = create(htons(request.block.start), request.block.count, &token);
    if (result != NO_ERROR) return failure(static_cast<Error>(result));
    return Outcome{.token = token};
}

Outcome WinsockProcess::persist_delete(Transport transport, PortBlock block) {
    const auto remove = persistent_.of(transport).remove;
    if (!remove) return failure(procedure_missing);
    return failure(static_cast<Error>(remove(htons(block.start), block.count)));
}

Outcome WinsockProcess::persist_lookup(Transport transport, PortBlock block) {
    const auto lookup = persistent_.of(transport).lookup;
    if (!lookup) return failure(procedure_missing);
    ULONG64 token = 0;
    const ULONG result = lookup(htons(block.start), block.count, &token);
    if (result != NO_ERROR) return failure(static_cast<Error>(result));
    return Outcome{.token = token};
}

}  // namespace wsrsim::probe
