// <ws2def.h>: address families, socket types, protocols, the IPv4 socket
// address and the IOCTL code layout, with Windows' values and layouts.
#ifndef WSRSIM_WIN32_WS2DEF_H
#define WSRSIM_WIN32_WS2DEF_H

#include "windows.h"

typedef USHORT ADDRESS_FAMILY;

#define AF_UNSPEC 0
#define AF_INET 2
#define AF_INET6 23

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define IPPROTO_RAW 255

// In network byte order, like every address field.
#define INADDR_ANY ((ULONG)0x00000000)
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_NONE 0xffffffff

typedef struct in_addr {
    union {
        struct {
            UCHAR s_b1, s_b2, s_b3, s_b4;
        } S_un_b;
        struct {
            USHORT s_w1, s_w2;
        } S_un_w;
        ULONG S_addr;
    } S_un;
} IN_ADDR, *PIN_ADDR, *LPIN_ADDR;

#define s_addr S_un.S_addr

typedef struct sockaddr {
    ADDRESS_FAMILY sa_family;
    CHAR sa_data[14];
} SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

typedef struct sockaddr_in {
    ADDRESS_FAMILY sin_family;
    USHORT sin_port;
    IN_ADDR sin_addr;
    CHAR sin_zero[8];
} SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

typedef struct sockaddr_storage {
    ADDRESS_FAMILY ss_family;
    CHAR __ss_pad1[6];
    LONG64 __ss_align;
    CHAR __ss_pad2[112];
} SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;

WSRSIM_WIN32_LAYOUT_CHECK(sizeof(IN_ADDR) == 4);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(SOCKADDR) == 16);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(SOCKADDR_IN) == 16);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(SOCKADDR_STORAGE) == 128);

// An IOCTL code: direction bits, a vendor/family field and a number.
#define IOCPARM_MASK 0x7f
#define IOC_VOID 0x20000000u
#define IOC_OUT 0x40000000u
#define IOC_IN 0x80000000u
#define IOC_INOUT (IOC_IN | IOC_OUT)
#define IOC_UNIX 0x00000000u
#define IOC_WS2 0x08000000u
#define IOC_PROTOCOL 0x10000000u
#define IOC_VENDOR 0x18000000u

#define _WSAIO(family, number) (IOC_VOID | (family) | (number))
#define _WSAIOR(family, number) (IOC_OUT | (family) | (number))
#define _WSAIOW(family, number) (IOC_IN | (family) | (number))
#define _WSAIORW(family, number) (IOC_INOUT | (family) | (number))

#endif
