// <iphlpapi.h>: the persistent port-reservation calls. Ports are in network byte
// order, counts in host byte order; each returns a Win32 error code.
#ifndef WSRSIM_WIN32_IPHLPAPI_H
#define WSRSIM_WIN32_IPHLPAPI_H

#include "windows.h"

EXTERN_C_START

WSRSIM_WIN32_API ULONG WINAPI CreatePersistentTcpPortReservation(USHORT StartPort,
                                                                 USHORT NumberOfPorts,
                                                                 PULONG64 Token);
WSRSIM_WIN32_API ULONG WINAPI CreatePersistentUdpPortReservation(USHORT StartPort,
                                                                 USHORT NumberOfPorts,
                                                                 PULONG64 Token);
WSRSIM_WIN32_API ULONG WINAPI DeletePersistentTcpPortReservation(USHORT StartPort,
                                                                 USHORT NumberOfPorts);
WSRSIM_WIN32_API ULONG WINAPI DeletePersistentUdpPortReservation(USHORT StartPort,
                                                                 USHORT NumberOfPorts);
WSRSIM_WIN32_API ULONG WINAPI LookupPersistentTcpPortReservation(USHORT StartPort,
                                                                 USHORT NumberOfPorts,
                                                                 PULONG64 Token);
WSRSIM_WIN32_API ULONG WINAPI LookupPersistentUdpPortReservation(USHORT StartPort,
                                                                 USHORT NumberOfPorts,
                                                                 PULONG64 Token);

EXTERN_C_END

#endif
