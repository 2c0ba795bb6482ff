// Checks for the Windows-style test programs, usable from C and C++: a failed
// check prints where and what, and the program's exit code counts failures.
#ifndef WSRSIM_TESTS_WIN32_CHECK_H
#define WSRSIM_TESTS_WIN32_CHECK_H

#include <windows.h>

static int check_failures = 0;

static void check_equal(long long actual, long long expected, const char* text, const char* file,
                        int line) {
    if (actual == expected) return;
    wprintf(L"%hs:%d: %hs is %I64d, expected %I64d\n", file, line, text, actual, expected);
    ++check_failures;
}

#define CHECK_EQ(actual, expected) \
    check_equal((long long)(actual), (long long)(expected), #actual, __FILE__, __LINE__)
#define CHECK_TRUE(condition) CHECK_EQ(!!(condition), 1)

// What wmain returns: 0 when every check held.
static int check_result(void) {
    if (check_failures != 0) wprintf(L"%d check(s) failed\n", check_failures);
    return check_failures != 0;
}

#endif
