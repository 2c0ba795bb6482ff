// The persistent-reservation calls of iphlpapi (SPEC §8), made as the current
// model process. They need no WSAStartup, as on Windows.
#include <string>

#include "runtime.hpp"
#include "wsrsim/decisions.hpp"

#include <iphlpapi.h>

using namespace wsrsim;
using namespace wsrsim::win32;

namespace {

enum class PersistentCall : std::uint8_t { create, lookup };

std::string_view call_name(PersistentCall call, Transport transport) {
    if (call == PersistentCall::create)
        return transport == Transport::tcp ? "CreatePersistentTcpPortReservation"
                                           : "CreatePersistentUdpPortReservation";
    return transport == Transport::tcp ? "LookupPersistentTcpPortReservation"
                                       : "LookupPersistentUdpPortReservation";
}

// Create and Lookup: both give a token.
ULONG with_token(PersistentCall call, Transport transport, USHORT start, USHORT count,
                 PULONG64 token) {
    Session session;
    Runtime* runtime = session.runtime_or_create();
    if (!runtime) return ERROR_NOT_READY;
    const PortBlock block{ntohs(start), count};
    if (!token) {
        runtime->recorder().refused(std::string(call_name(call, transport)) + " null Token",
                                    code_of(decision::persistent_null_token));
        return code_of(decision::persistent_null_token);
    }
    Host& host = runtime->host();
    Outcome outcome;
    if (call == PersistentCall::create) {
        outcome = host.create_persistent(runtime->pid(), transport, block);
        runtime->recorder().persist_create(runtime->pid(), transport, block, outcome);
    } else {
        outcome = host.lookup_persistent(runtime->pid(), transport, block);
        runtime->recorder().persist_lookup(runtime->pid(), transport, block, outcome);
    }
    if (outcome.ok()) *token = outcome.token;
    return code_of(outcome.error);
}

ULONG delete_persistent(Transport transport, USHORT start, USHORT count) {
    Session session;
    Runtime* runtime = session.runtime_or_create();
    if (!runtime) return ERROR_NOT_READY;
    const PortBlock block{ntohs(start), count};
    const Error error = runtime->host().delete_persistent(runtime->pid(), transport, block);
    runtime->recorder().persist_delete(runtime->pid(), transport, block, error);
    return code_of(error);
}

}  // namespace

extern "C" {

ULONG CreatePersistentTcpPortReservation(USHORT StartPort, USHORT NumberOfPorts, PULONG64 Token) {
    return with_token(PersistentCall::create, Transport::tcp, StartPort, NumberOfPorts, Token);
}

ULONG CreatePersistentUdpPortReservation(USHORT StartPort, USHORT NumberOfPorts, PULONG64 Token) {
    return with_token(PersistentCall::create, Transport::udp, StartPort, NumberOfPorts, Token);
}

ULONG LookupPersistentTcpPortReservation(USHORT StartPort, USHORT NumberOfPorts, PULONG64 Token) {
    return with_token(PersistentCall::lookup, Transport::tcp, StartPort, NumberOfPorts, Token);
}

ULONG LookupPersistentUdpPortReservation(USHORT StartPort, USHORT NumberOfPorts, PULONG64 Token) {
    return with_token(PersistentCall::lookup, Transport::udp, StartPort, NumberOfPorts, Token);
}

ULONG DeletePersistentTcpPortReservation(USHORT StartPort, USHORT NumberOfPorts) {
    return delete_persistent(Transport::tcp, StartPort, NumberOfPorts);
}

ULONG DeletePersistentUdpPortReservation(USHORT StartPort, USHORT NumberOfPorts) {
    return delete_persistent(Transport::udp, StartPort, NumberOfPorts);
}

}  // extern "C"
