// <ws2ipdef.h>: the IPv6 address and socket address, with Windows' layouts.
#ifndef WSRSIM_WIN32_WS2IPDEF_H
#define WSRSIM_WIN32_WS2IPDEF_H

#include "ws2def.h"

typedef struct in6_addr {
    union {
        UCHAR Byte[16];
        USHORT Word[8];
    } u;
} IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;

#define s6_addr u.Byte
#define s6_words u.Word

typedef struct sockaddr_in6 {
    ADDRESS_FAMILY sin6_family;
    USHORT sin6_port;
    ULONG sin6_flowinfo;
    IN6_ADDR sin6_addr;
    ULONG sin6_scope_id;
} SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;

WSRSIM_WIN32_LAYOUT_CHECK(sizeof(IN6_ADDR) == 16);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(SOCKADDR_IN6) == 28);

#endif
