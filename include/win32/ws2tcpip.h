// <ws2tcpip.h>: Winsock with the IPv6 definitions, as Windows code includes it.
#ifndef WSRSIM_WIN32_WS2TCPIP_H
#define WSRSIM_WIN32_WS2TCPIP_H

#include "winsock2.h"
#include "ws2ipdef.h"

#endif
