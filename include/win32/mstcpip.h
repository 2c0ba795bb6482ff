// <mstcpip.h>: the port-reservation IOCTL codes and structures, with Windows'
// values and layouts (checked below).
#ifndef WSRSIM_WIN32_MSTCPIP_H
#define WSRSIM_WIN32_MSTCPIP_H

#include "ws2def.h"

#define SIO_ACQUIRE_PORT_RESERVATION _WSAIOW(IOC_VENDOR, 100)
#define SIO_RELEASE_PORT_RESERVATION _WSAIOW(IOC_VENDOR, 101)
#define SIO_ASSOCIATE_PORT_RESERVATION _WSAIOW(IOC_VENDOR, 102)

// StartPort in network byte order, NumberOfPorts in host byte order.
typedef struct _INET_PORT_RANGE {
    USHORT StartPort;
    USHORT NumberOfPorts;
} INET_PORT_RANGE, *PINET_PORT_RANGE;

typedef INET_PORT_RANGE INET_PORT_RESERVATION, *PINET_PORT_RESERVATION;

typedef struct {
    ULONG64 Token;
} INET_PORT_RESERVATION_TOKEN, *PINET_PORT_RESERVATION_TOKEN;

#define INVALID_PORT_RESERVATION_TOKEN ((ULONG64)0)

// C++ code names the parts (portRes.Reservation.StartPort, portRes.Token.Token);
// C code reaches the fields directly (portRes.StartPort, portRes.Token), as with
// Windows' header, here through C11 anonymous structures.
typedef struct {
#ifdef __cplusplus
    INET_PORT_RESERVATION Reservation;
    INET_PORT_RESERVATION_TOKEN Token;
#else
    struct {
        USHORT StartPort;
        USHORT NumberOfPorts;
    };
    struct {
        ULONG64 Token;
    };
#endif
} INET_PORT_RESERVATION_INSTANCE, *PINET_PORT_RESERVATION_INSTANCE;

typedef struct {
    ULONG OwningPid;
} INET_PORT_RESERVATION_INFORMATION, *PINET_PORT_RESERVATION_INFORMATION;

WSRSIM_WIN32_LAYOUT_CHECK(SIO_ACQUIRE_PORT_RESERVATION == 0x98000064u);
WSRSIM_WIN32_LAYOUT_CHECK(SIO_RELEASE_PORT_RESERVATION == 0x98000065u);
WSRSIM_WIN32_LAYOUT_CHECK(SIO_ASSOCIATE_PORT_RESERVATION == 0x98000066u);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(INET_PORT_RANGE) == 4);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(INET_PORT_RESERVATION_TOKEN) == 8);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(INET_PORT_RESERVATION_INSTANCE) == 16);
WSRSIM_WIN32_LAYOUT_CHECK(offsetof(INET_PORT_RESERVATION_INSTANCE, Token) == 8);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(INET_PORT_RESERVATION_INFORMATION) == 4);

#endif
