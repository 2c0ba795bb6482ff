// wprintf with Microsoft's conversions; tests/win32/programs_test.cpp compares
// the output line by line.
#include <windows.h>

int wmain(int argc, wchar_t** argv) {
    (void)argc;
    wprintf(L"%s|%ws|%ls|%hs|%S\n", L"wide", L"ws", L"ls", "narrow", "S");
    wprintf(L"%c%wc%hc%C\n", L'w', L'x', 'y', 'z');
    wprintf(L"%I64d %I64u %I32d %Id %lld %hd %hhu\n", -5000000000LL, 18446744073709551615ULL, -7,
            (ptrdiff_t)-8, 9LL, (short)-10, (unsigned char)200);
    wprintf(L"%ld %lu %lx\n", -1, 4294967295u, 255u);
    wprintf(L"[%5d] [%-5d] [%05d] [%+d] [%x] [%#X] [%o]\n", 42, 42, 42, 42, 255, 255, 8);
    wprintf(L"[%*d] [%.3s] [%-6s] [%6.2f] [%e]\n", 4, 7, L"abcdef", L"ab", 3.14159, 1.5);
    wprintf(L"[%s] [%hs] %% %n\n", (wchar_t*)0, (char*)0);
    wprintf(L"%s %d\n", argv[1], _wtoi(argv[2]));
    wprintf(L"%d %d %d\n", _wtoi(L"  -12abc"), _wtoi(L"99999999999"), _wtoi(L"x"));
    return 0;
}
