// wsrsim's own additions to the API (wsrsim_win32.h).
#include "runtime.hpp"

#include <wsrsim_win32.h>

using namespace wsrsim;
using namespace wsrsim::win32;

extern "C" DWORD wsrsim_win32_use_process(DWORD pid, BOOL elevated) {
    Session session;
    Runtime* runtime = session.runtime_or_create();
    if (!runtime) return ERROR_NOT_READY;
    return static_cast<DWORD>(runtime->use_process(pid, elevated != FALSE));
}
