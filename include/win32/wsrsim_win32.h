// wsrsim's additions to the Windows API.
//
// A Windows program built with `-I include/win32` and linked with
// libwsrsim-win32 (and libwsrsim-win32-wmain if it starts at wmain) runs on one
// model host for the whole process, set up from the environment when first
// needed (WSAStartup, or a persistent-reservation call):
//   WSRSIM_SEED=N          the host seed (tokens, random policies); default 1
//   WSRSIM_ELEVATED=1      the program's process is elevated (an administrator)
//   WSRSIM_POLICY=...      as a trace's policy line: "wildcard=first-fit
//                          ephemeral=sequential latency=1000" (latency in ns)
//   WSRSIM_LIMITS=...      caps, as a trace's limits line: "sockets=8
//                          reservations=2 processes=4" (blanks or commas between);
//                          past one, a call fails as the host's would: socket with
//                          WSAEMFILE, an acquire with WSAENOBUFS, a persistent
//                          reservation with ERROR_NO_SYSTEM_RESOURCES
//   WSRSIM_HOST=TABLE.txt  start from a pasted `netsh ... show excludedportrange`
//   WSRSIM_RECORD=FILE     write every call as a trace line that `wsrsim replay`
//                          checks
// Waits and sleeps move the model's virtual clock; they never block.
//
// The model host is process-wide; the Linux process plays whichever model
// process it names here, so that one test can be several processes.
#ifndef WSRSIM_WIN32_EXTENSIONS_H
#define WSRSIM_WIN32_EXTENSIONS_H

#include "windows.h"

EXTERN_C_START

// From now on, sockets are opened and persistent reservations made as model
// process `pid`, created with the given elevation if the model has no such
// process (an existing process keeps its own). The first identity is pid 1000,
// elevated when WSRSIM_ELEVATED=1. Sockets keep the process that opened them.
// Returns NO_ERROR, ERROR_INVALID_PARAMETER for pid 0, ERROR_NO_SYSTEM_RESOURCES
// when a new process would pass WSRSIM_LIMITS' processes cap (the identity then
// stays as it was), or ERROR_NOT_READY when the host cannot be set up from the
// environment.
WSRSIM_WIN32_API DWORD wsrsim_win32_use_process(DWORD pid, BOOL elevated);

EXTERN_C_END

#endif
