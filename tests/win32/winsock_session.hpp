// Winsock started for one test case; the last WSACleanup closes what it left open.
#pragma once

#include <doctest/doctest.h>

#include <winsock2.h>

namespace wsrsim::tests {

struct WinsockSession {
    WinsockSession() {
        WSADATA data;
        REQUIRE(WSAStartup(MAKEWORD(2, 2), &data) == 0);
    }
    ~WinsockSession() { WSACleanup(); }
    WinsockSession(const WinsockSession&) = delete;
    WinsockSession& operator=(const WinsockSession&) = delete;
};

// 0 when the call succeeded, else what WSAGetLastError() says.
inline int error_of(int result) { return result == 0 ? 0 : WSAGetLastError(); }

}  // namespace wsrsim::tests
