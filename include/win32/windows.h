// <windows.h> for Windows programs built on Linux against the wsrsim model: the
// Win32 base types with Windows' sizes, the error codes and the kernel32 and C
// runtime calls that port-reservation code uses around Winsock. Usable from C11
// and C++.
//
// Two rules keep it compatible with the C library it is mixed with: it declares
// nothing that glibc's <stdio.h> and <stdlib.h> declare differently (Microsoft's
// sample includes them after this header), and it includes no Linux socket header.
#ifndef WSRSIM_WIN32_WINDOWS_H
#define WSRSIM_WIN32_WINDOWS_H

#include <stddef.h>
#include <stdint.h>
// Included before wprintf is redirected below, so that a later include of the
// same header cannot redeclare or #undef it.
#ifdef __cplusplus
#include <cwchar>
#else
#include <wchar.h>
#endif

#ifdef __cplusplus
#define EXTERN_C extern "C"
#define EXTERN_C_START extern "C" {
#define EXTERN_C_END }
#define WSRSIM_WIN32_LAYOUT_CHECK(condition) static_assert(condition, #condition)
#else
#define EXTERN_C extern
#define EXTERN_C_START
#define EXTERN_C_END
#define WSRSIM_WIN32_LAYOUT_CHECK(condition) _Static_assert(condition, #condition)
#endif

// x86-64 has one calling convention, so Windows' stdcall markers are empty.
#define WINAPI
#define CALLBACK
#define APIENTRY
// What libwsrsim-win32 exports; everything else in it stays hidden.
#define WSRSIM_WIN32_API __attribute__((visibility("default")))

// ---- Base types (Windows sizes: long and DWORD are 32 bits) --------------------

typedef int BOOL;
typedef unsigned char BYTE;
typedef unsigned char UCHAR;
typedef char CHAR;
typedef short SHORT;
typedef unsigned short WORD;
typedef unsigned short USHORT;
typedef int INT;
typedef int LONG;
typedef unsigned int UINT;
typedef unsigned int DWORD;
typedef unsigned int ULONG;
typedef long long LONG64;
typedef long long INT64;
typedef unsigned long long ULONG64;
typedef unsigned long long UINT64;
typedef unsigned long long DWORD64;
typedef intptr_t INT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t UINT_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef wchar_t WCHAR;

typedef void* PVOID;
typedef void* LPVOID;
typedef const void* LPCVOID;
typedef void* HANDLE;
typedef BOOL* LPBOOL;
typedef INT* LPINT;
typedef WORD* LPWORD;
typedef DWORD* LPDWORD;
typedef DWORD* PDWORD;
typedef ULONG* PULONG;
typedef USHORT* PUSHORT;
typedef ULONG64* PULONG64;
typedef CHAR* LPSTR;
typedef const CHAR* LPCSTR;
typedef WCHAR* LPWSTR;
typedef WCHAR* PWSTR;
typedef const WCHAR* LPCWSTR;
typedef const WCHAR* PCWSTR;

WSRSIM_WIN32_LAYOUT_CHECK(sizeof(DWORD) == 4);
WSRSIM_WIN32_LAYOUT_CHECK(sizeof(ULONG64) == 8);

#define TRUE 1
#define FALSE 0

#define MAKEWORD(low, high) ((WORD)(((BYTE)(low)) | (((WORD)((BYTE)(high))) << 8)))
#define LOBYTE(word) ((BYTE)((word) & 0xff))
#define HIBYTE(word) ((BYTE)(((word) >> 8) & 0xff))

// ---- Error codes (winerror.h) ------------------------------------------------

#define ERROR_SUCCESS 0
#define NO_ERROR 0
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_NOT_READY 21
#define ERROR_SHARING_VIOLATION 32
#define ERROR_INVALID_PARAMETER 87
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997
#define ERROR_NOT_FOUND 1168

// ---- kernel32: overlapped I/O and alertable waits -----------------------------

#define INFINITE 0xFFFFFFFFu
#define WAIT_OBJECT_0 0u
#define WAIT_IO_COMPLETION 0xC0u
#define WAIT_TIMEOUT 258u
#define WAIT_FAILED 0xFFFFFFFFu
#define STATUS_PENDING ((DWORD)0x103)

// Internal holds STATUS_PENDING until the request completes, then its result;
// InternalHigh the number of bytes it produced.
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    DWORD Offset;
    DWORD OffsetHigh;
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

WSRSIM_WIN32_LAYOUT_CHECK(sizeof(OVERLAPPED) == 32);

#define HasOverlappedIoCompleted(lpOverlapped) ((DWORD)(lpOverlapped)->Internal != STATUS_PENDING)

EXTERN_C_START

// Sleeps on the model's virtual clock; alertable, it runs the calling thread's
// queued completion routines and returns WAIT_IO_COMPLETION.
WSRSIM_WIN32_API DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

// ---- C runtime as Microsoft's -------------------------------------------------

// wprintf with Microsoft's conversions: %s and %c take wide arguments, %hs, %S,
// %hc and %C narrow ones, %ws and %wc wide ones; %I64d, %I32d and %Id size their
// integers; %ld is 32 bits. Writes UTF-8 to stdout. It takes over the name as a
// macro, so Windows code calls it as it does, unqualified (not as std::wprintf).
WSRSIM_WIN32_API int wsrsim_wprintf(const wchar_t* format, ...);
#define wprintf wsrsim_wprintf

WSRSIM_WIN32_API int _wtoi(const wchar_t* text);

// A program's wide entry point: libwsrsim-win32-wmain's main() converts the
// UTF-8 command line and calls it.
int wmain(int argc, wchar_t** argv);

EXTERN_C_END

#endif
