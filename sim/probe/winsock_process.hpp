// What one trace process does on Windows: its sockets, its reservation IOCTLs and
// their overlapped state, its persistent calls, all through the real Winsock and
// iphlpapi. Each trace process is a child process of the probe holding one of
// these (child_process.hpp), so Windows sees each request come from its own process.
#pragma once

#include <winsock2.h>
#include <windows.h>
#include <mstcpip.h>

#include <map>
#include <memory>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "wsrsim/request.hpp"

namespace wsrsim::probe {

// Windows' own code for a function a DLL lacks: what a persistent call answers
// where iphlpapi has no such function (Wine, old Windows).
inline constexpr Error procedure_missing = static_cast<Error>(ERROR_PROC_NOT_FOUND);
// What the probe answers for a request it will not make on a real machine
// (reboot, dynamic-range changes, store=active).
inline constexpr Error not_probed = static_cast<Error>(ERROR_NOT_SUPPORTED);

// The requests a process makes itself; the rest (processes, reboot, settings)
// are the probe's. Socket handles and request ids in them are the process's own.
using ProcessRequest = std::variant<req::OpenSocket, req::CloseSocket, req::Bind, req::GetSockName, req::Acquire,
                                    req::Associate, req::Release, req::Wait, req::PersistCreate,
                                    req::PersistDelete, req::PersistLookup>;
// A pipe carries them as their bytes (child_process.hpp).
static_assert(std::is_trivially_copyable_v<ProcessRequest> && std::is_trivially_copyable_v<Outcome>);

// iphlpapi's persistent-reservation functions, loaded with GetProcAddress so that
// the probe still starts where they are missing.
class PersistentApi {
public:
    using Create = ULONG(WINAPI*)(USHORT, USHORT, PULONG64);
    using Delete = ULONG(WINAPI*)(USHORT, USHORT);
    using Lookup = ULONG(WINAPI*)(USHORT, USHORT, PULONG64);
    struct Functions {  // null where iphlpapi lacks one
        Create create = nullptr;
        Delete remove = nullptr;
        Lookup lookup = nullptr;
    };

    PersistentApi();
    ~PersistentApi();
    PersistentApi(const PersistentApi&) = delete;
    PersistentApi& operator=(const PersistentApi&) = delete;

    const Functions& of(Transport transport) const { return functions_[static_cast<std::size_t>(transport)]; }
    const std::vector<std::string_view>& missing() const { return missing_; }

private:
    HMODULE iphlpapi_ = nullptr;
    Functions functions_[2]{};  // indexed by Transport
    std::vector<std::string_view> missing_;
};

class WinsockProcess {
public:
    WinsockProcess();
    ~WinsockProcess();
    WinsockProcess(const WinsockProcess&) = delete;
    WinsockProcess& operator=(const WinsockProcess&) = delete;

    // WSAStartup's code: NO_ERROR once Winsock is ready.
    Error startup_error() const { return startup_error_; }
    Outcome serve(const ProcessRequest& request);

private:
    // An overlapped IOCTL in flight: its buffers must stay put until it completes.
    struct Overlapped {
        WSAOVERLAPPED overlapped{};
        SOCKET socket = INVALID_SOCKET;
        INET_PORT_RANGE range{};
        INET_PORT_RESERVATION_INSTANCE instance{};
        ULONG64 token = 0;
    };

    Outcome open_socket(const req::OpenSocket& request);
    Outcome close_socket(SocketHandle socket);
    Outcome bind(const req::Bind& request);
    Outcome getsockname(SocketHandle socket);
    Outcome ioctl(SocketHandle socket, DWORD code, IoMode mode, const PortBlock* block, Token token);
    Outcome wait(RequestId request);
    Outcome persist_create(const req::PersistCreate& request);
    Outcome persist_delete(Transport transport, PortBlock block);
    Outcome persist_lookup(Transport transport, PortBlock block);

    Error startup_error_;
    PersistentApi persistent_;
    std::map<SocketHandle, SOCKET> sockets_;
    SocketHandle next_socket_ = 1;
    std::map<RequestId, std::unique_ptr<Overlapped>> overlapped_;
    RequestId next_request_ = 1;
};

}  // namespace wsrsim::probe
