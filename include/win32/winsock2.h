// <winsock2.h>: the Winsock 2 calls that port-reservation code makes, served by
// libwsrsim-win32 on the process-wide wsrsim model host.
#ifndef WSRSIM_WIN32_WINSOCK2_H
#define WSRSIM_WIN32_WINSOCK2_H

#include "windows.h"
#include "ws2def.h"

typedef UINT_PTR SOCKET;
#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR (-1)

// The only BSD alias Winsock code needs here that glibc's <sys/types.h> (pulled in
// by <stdlib.h>) declares identically; its u_long is 64 bits, Windows' 32.
typedef unsigned short u_short;

typedef unsigned int GROUP;

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

// The 64-bit layout of WSADATA.
typedef struct WSAData {
    WORD wVersion;
    WORD wHighVersion;
    unsigned short iMaxSockets;
    unsigned short iMaxUdpDg;
    char* lpVendorInfo;
    char szDescription[WSADESCRIPTION_LEN + 1];
    char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

// WSASocket's protocol description; only a null one is accepted.
typedef struct _WSAPROTOCOL_INFOA WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;
typedef struct _WSAPROTOCOL_INFOW WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80

// _IOW('f', 126, u_long) with Windows' 4-byte u_long.
#define FIONBIO ((DWORD)(IOC_IN | ((4 & IOCPARM_MASK) << 16) | ('f' << 8) | 126))

typedef HANDLE WSAEVENT;
typedef WSAEVENT* LPWSAEVENT;
#define WSA_INVALID_EVENT ((WSAEVENT)NULL)

typedef OVERLAPPED WSAOVERLAPPED;
typedef LPOVERLAPPED LPWSAOVERLAPPED;

typedef void(CALLBACK* LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                           LPWSAOVERLAPPED lpOverlapped,
                                                           DWORD dwFlags);

#define WSA_MAXIMUM_WAIT_EVENTS 64
#define WSA_INFINITE INFINITE
#define WSA_WAIT_EVENT_0 WAIT_OBJECT_0
#define WSA_WAIT_IO_COMPLETION WAIT_IO_COMPLETION
#define WSA_WAIT_TIMEOUT WAIT_TIMEOUT
#define WSA_WAIT_FAILED WAIT_FAILED

#define WSA_IO_PENDING ERROR_IO_PENDING
#define WSA_IO_INCOMPLETE ERROR_IO_INCOMPLETE
#define WSA_INVALID_HANDLE ERROR_INVALID_HANDLE
#define WSA_INVALID_PARAMETER ERROR_INVALID_PARAMETER
#define WSA_NOT_ENOUGH_MEMORY ERROR_NOT_ENOUGH_MEMORY
#define WSA_OPERATION_ABORTED ERROR_OPERATION_ABORTED

#define WSABASEERR 10000
#define WSAEINTR 10004
#define WSAEBADF 10009
#define WSAEACCES 10013
#define WSAEFAULT 10014
#define WSAEINVAL 10022
#define WSAEMFILE 10024
#define WSAEWOULDBLOCK 10035
#define WSAEINPROGRESS 10036
#define WSAEALREADY 10037
#define WSAENOTSOCK 10038
#define WSAEDESTADDRREQ 10039
#define WSAEMSGSIZE 10040
#define WSAEPROTOTYPE 10041
#define WSAENOPROTOOPT 10042
#define WSAEPROTONOSUPPORT 10043
#define WSAESOCKTNOSUPPORT 10044
#define WSAEOPNOTSUPP 10045
#define WSAEPFNOSUPPORT 10046
#define WSAEAFNOSUPPORT 10047
#define WSAEADDRINUSE 10048
#define WSAEADDRNOTAVAIL 10049
#define WSAENETDOWN 10050
#define WSAENETUNREACH 10051
#define WSAENETRESET 10052
#define WSAECONNABORTED 10053
#define WSAECONNRESET 10054
#define WSAENOBUFS 10055
#define WSAEISCONN 10056
#define WSAENOTCONN 10057
#define WSAESHUTDOWN 10058
#define WSAETOOMANYREFS 10059
#define WSAETIMEDOUT 10060
#define WSAECONNREFUSED 10061
#define WSAELOOP 10062
#define WSAENAMETOOLONG 10063
#define WSAEHOSTDOWN 10064
#define WSAEHOSTUNREACH 10065
#define WSAENOTEMPTY 10066
#define WSAEPROCLIM 10067
#define WSAEUSERS 10068
#define WSAEDQUOT 10069
#define WSAESTALE 10070
#define WSAEREMOTE 10071
#define WSASYSNOTREADY 10091
#define WSAVERNOTSUPPORTED 10092
#define WSANOTINITIALISED 10093
#define WSAEDISCON 10101

EXTERN_C_START

WSRSIM_WIN32_API int WINAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData);
WSRSIM_WIN32_API int WINAPI WSACleanup(void);
WSRSIM_WIN32_API int WINAPI WSAGetLastError(void);
WSRSIM_WIN32_API void WINAPI WSASetLastError(int iError);

WSRSIM_WIN32_API SOCKET WINAPI socket(int af, int type, int protocol);
WSRSIM_WIN32_API SOCKET WINAPI WSASocketA(int af, int type, int protocol,
                                          LPWSAPROTOCOL_INFOA lpProtocolInfo, GROUP g,
                                          DWORD dwFlags);
WSRSIM_WIN32_API SOCKET WINAPI WSASocketW(int af, int type, int protocol,
                                          LPWSAPROTOCOL_INFOW lpProtocolInfo, GROUP g,
                                          DWORD dwFlags);
#ifdef UNICODE
#define WSASocket WSASocketW
#else
#define WSASocket WSASocketA
#endif
WSRSIM_WIN32_API int WINAPI closesocket(SOCKET s);
WSRSIM_WIN32_API int WINAPI bind(SOCKET s, const struct sockaddr* name, int namelen);
WSRSIM_WIN32_API int WINAPI getsockname(SOCKET s, struct sockaddr* name, int* namelen);

WSRSIM_WIN32_API int WINAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer,
                                     DWORD cbInBuffer, LPVOID lpvOutBuffer, DWORD cbOutBuffer,
                                     LPDWORD lpcbBytesReturned, LPWSAOVERLAPPED lpOverlapped,
                                     LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WSRSIM_WIN32_API BOOL WINAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped,
                                                    LPDWORD lpcbTransfer, BOOL fWait,
                                                    LPDWORD lpdwFlags);

WSRSIM_WIN32_API WSAEVENT WINAPI WSACreateEvent(void);
WSRSIM_WIN32_API BOOL WINAPI WSACloseEvent(WSAEVENT hEvent);
WSRSIM_WIN32_API BOOL WINAPI WSASetEvent(WSAEVENT hEvent);
WSRSIM_WIN32_API BOOL WINAPI WSAResetEvent(WSAEVENT hEvent);
// Waits on the model's virtual clock: it advances to the first completion that
// would end the wait, or by dwTimeout, and never blocks in real time.
WSRSIM_WIN32_API DWORD WINAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents,
                                                       BOOL fWaitAll, DWORD dwTimeout,
                                                       BOOL fAlertable);

WSRSIM_WIN32_API u_short WINAPI htons(u_short hostshort);
WSRSIM_WIN32_API u_short WINAPI ntohs(u_short netshort);
WSRSIM_WIN32_API ULONG WINAPI htonl(ULONG hostlong);
WSRSIM_WIN32_API ULONG WINAPI ntohl(ULONG netlong);

EXTERN_C_END

#endif
