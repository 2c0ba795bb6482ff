// A Backend served by the real Winsock and iphlpapi of the machine the probe runs
// on: the ground truth the model's [decision]s are compared with.
//
// Every trace process maps onto the probe's own process, one request after the
// other on one thread: a pid is only a label. So requests whose answer depends on
// which process asks (another process's runtime token, elevation) get the answer
// for the probe itself, elevated or not as it was started.
#pragma once

#include <winsock2.h>
#include <windows.h>
#include <mstcpip.h>

#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "wsrsim/backend.hpp"

namespace wsrsim::probe {

// Windows' own code for a function a DLL lacks: what a persistent call answers
// where iphlpapi has no such function (Wine, old Windows).
inline constexpr Error procedure_missing = static_cast<Error>(ERROR_PROC_NOT_FOUND);
// What the probe answers for a request it will not make on a real machine
// (reboot, dynamic-range changes, store=active).
inline constexpr Error not_probed = static_cast<Error>(ERROR_NOT_SUPPORTED);

class WinsockBackend final : public Backend {
public:
    WinsockBackend();
    // Closes what the trace left open and deletes the persistent reservations it
    // left behind: they would otherwise outlive the probe, and reboots.
    ~WinsockBackend() override;
    WinsockBackend(const WinsockBackend&) = delete;
    WinsockBackend& operator=(const WinsockBackend&) = delete;

    std::string_view name() const override { return "windows"; }
    Outcome apply(const Request& request) override;

    // Whether WSAStartup succeeded; the names of the persistent functions iphlpapi lacks.
    bool started() const { return started_; }
    const std::vector<std::string_view>& missing_functions() const { return missing_; }

private:
    using Create = ULONG(WINAPI*)(USHORT, USHORT, PULONG64);
    using Delete = ULONG(WINAPI*)(USHORT, USHORT);
    using Lookup = ULONG(WINAPI*)(USHORT, USHORT, PULONG64);
    struct PersistentApi {  // one per transport
        Create create = nullptr;
        Delete remove = nullptr;
        Lookup lookup = nullptr;
    };
    struct Socket {
        SOCKET handle;
        Pid pid;
    };
    // An overlapped IOCTL in flight: its buffers must stay put until it completes.
    struct Overlapped {
        WSAOVERLAPPED overlapped{};
        SOCKET socket = INVALID_SOCKET;
        INET_PORT_RANGE range{};
        INET_PORT_RESERVATION_INSTANCE instance{};
        ULONG64 token = 0;
    };

    void load_persistent_api();
    Outcome open_socket(const req::OpenSocket& request);
    Outcome close_socket(SocketHandle socket);
    Outcome bind(const req::Bind& request);
    Outcome getsockname(SocketHandle socket);
    Outcome ioctl(SocketHandle socket, DWORD code, IoMode mode, const PortBlock* block, Token token);
    Outcome wait(RequestId request);
    Outcome persist_create(const req::PersistCreate& request);
    Outcome persist_delete(Transport transport, PortBlock block);
    Outcome persist_lookup(Transport transport, PortBlock block);
    void exit_process(Pid pid);

    bool started_ = false;
    HMODULE iphlpapi_ = nullptr;
    PersistentApi api_[2]{};  // indexed by Transport
    std::vector<std::string_view> missing_;
    std::map<SocketHandle, Socket> sockets_;
    SocketHandle next_socket_ = 1;
    std::map<RequestId, std::unique_ptr<Overlapped>> overlapped_;
    RequestId next_request_ = 1;
    std::vector<std::pair<Transport, PortBlock>> created_;  // persistent blocks not yet deleted
};

}  // namespace wsrsim::probe
