// main() for programs that start at wmain, as Windows console programs may: the
// command line, UTF-8 on Linux, becomes wide strings. It lives in its own static
// library (libwsrsim-win32-wmain) because a shared library cannot hold a main()
// that calls the program's wmain; the linker takes it only when no main() exists.
#include <vector>

#include "utf8.hpp"

#include <windows.h>

int main(int argc, char** argv) {
    std::vector<std::wstring> arguments;
    arguments.reserve(static_cast<std::size_t>(argc));
    for (int i = 0; i < argc; ++i) arguments.push_back(wsrsim::win32::widen(argv[i]));
    std::vector<wchar_t*> pointers;
    for (std::wstring& argument : arguments) pointers.push_back(argument.data());
    pointers.push_back(nullptr);
    return wmain(argc, pointers.data());
}
