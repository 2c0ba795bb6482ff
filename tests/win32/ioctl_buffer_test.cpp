// The rows of SPEC §2-§4 that the Windows API layer owns (3-5: buffers), checked
// in the SPEC's order against the rows around them, which the model decides.
#include <doctest/doctest.h>

#include <initializer_list>

#include "winsock_session.hpp"

#include <mstcpip.h>
#include <winsock2.h>
#include <wsrsim_win32.h>

using wsrsim::tests::error_of;

namespace {

constexpr DWORD untouched = 77;

// One WSAIoctl; the fields start as a well-formed synchronous ACQUIRE of 9000-9009.
struct Call {
    DWORD code = SIO_ACQUIRE_PORT_RESERVATION;
    INET_PORT_RANGE range{htons(9000), 10};
    ULONG64 token = INVALID_PORT_RESERVATION_TOKEN;
    INET_PORT_RESERVATION_INSTANCE reservation{};
    void* in = &range;
    DWORD in_size = sizeof range;
    void* out = &reservation;
    DWORD out_size = sizeof reservation;
    DWORD bytes = untouched;
    DWORD* bytes_returned = &bytes;
    WSAOVERLAPPED* overlapped = nullptr;

    // The token IOCTLs take the token and no output.
    void with_token(DWORD token_code, ULONG64 value) {
        code = token_code;
        token = value;
        in = &token;
        in_size = sizeof token;
        out = nullptr;
        out_size = 0;
    }

    int on(SOCKET s) {
        return error_of(
            WSAIoctl(s, code, in, in_size, out, out_size, bytes_returned, overlapped, nullptr));
    }
};

SOCKET udp_socket() { return socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP); }

}  // namespace

TEST_CASE("ACQUIRE: rows 1-2 (model) come before the buffer rows") {
    wsrsim::tests::WinsockSession winsock;
    Call faulty;
    faulty.in = nullptr;
    faulty.bytes_returned = nullptr;

    SUBCASE("row 1: a closed socket") {
        const SOCKET closed = udp_socket();
        REQUIRE(closesocket(closed) == 0);
        CHECK(faulty.on(closed) == WSAENOTSOCK);
    }
    SUBCASE("row 2: a raw socket, opened by an elevated process") {
        REQUIRE(wsrsim_win32_use_process(4000, TRUE) == NO_ERROR);
        const SOCKET raw = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
        REQUIRE(wsrsim_win32_use_process(1000, FALSE) == NO_ERROR);
        REQUIRE(raw != INVALID_SOCKET);
        CHECK(faulty.on(raw) == WSAEOPNOTSUPP);
    }
}

TEST_CASE("ACQUIRE row 3: WSAEFAULT, before rows 4 and 5") {
    wsrsim::tests::WinsockSession winsock;
    const SOCKET s = udp_socket();
    Call call;
    call.out_size = 8;  // row 5 would zero the count
    SUBCASE("a null lpvInBuffer with a non-zero size") {
        call.in = nullptr;
        call.in_size = 3;  // row 4 too
        CHECK(call.on(s) == WSAEFAULT);
    }
    SUBCASE("a null lpcbBytesReturned on a synchronous call") {
        call.bytes_returned = nullptr;
        call.in_size = 3;
        CHECK(call.on(s) == WSAEFAULT);
    }
    SUBCASE("lpOverlapped is ignored on a non-overlapped socket: still synchronous") {
        const SOCKET plain = WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, nullptr, 0, 0);
        WSAOVERLAPPED overlapped{};
        call.overlapped = &overlapped;
        call.bytes_returned = nullptr;
        CHECK(call.on(plain) == WSAEFAULT);
    }
    SUBCASE("a null lpvOutBuffer with a non-zero size (decisions.hpp: acquire_null_output)") {
        call.out = nullptr;
        call.out_size = sizeof(INET_PORT_RESERVATION_INSTANCE);
        CHECK(call.on(s) == WSAEFAULT);
    }
    CHECK(call.bytes == untouched);
}

TEST_CASE("ACQUIRE row 3 leaves lpcbBytesReturned to overlapped calls") {
    wsrsim::tests::WinsockSession winsock;
    Call call;
    WSAOVERLAPPED overlapped{};
    call.overlapped = &overlapped;
    call.bytes_returned = nullptr;
    CHECK(call.on(udp_socket()) == WSA_IO_PENDING);
    // Latency 0: done before WSAIoctl returned.
    CHECK(HasOverlappedIoCompleted(&overlapped));
    CHECK(overlapped.Internal == NO_ERROR);
    CHECK(overlapped.InternalHigh == sizeof(INET_PORT_RESERVATION_INSTANCE));
    CHECK(ntohs(call.reservation.Reservation.StartPort) == 9000);
}

TEST_CASE("ACQUIRE row 4: cbInBuffer other than 4 is WSAEINVAL, before row 5") {
    wsrsim::tests::WinsockSession winsock;
    const SOCKET s = udp_socket();
    for (const DWORD size : {0u, 2u, 5u, 8u}) {
        Call call;
        call.in_size = size;
        call.in = size == 0 ? nullptr : call.in;
        call.out_size = 0;
        CHECK(call.on(s) == WSAEINVAL);
        CHECK(call.bytes == untouched);
    }
}

TEST_CASE(
    "ACQUIRE row 5: cbOutBuffer below 16 is WSAEINVAL and zeroes the count, before the model") {
    wsrsim::tests::WinsockSession winsock;
    const SOCKET s = udp_socket();
    Call taken;
    REQUIRE(taken.on(s) == 0);
    SUBCASE("before row 7: the block is taken") {
        Call call;
        call.out_size = 15;
        CHECK(call.on(s) == WSAEINVAL);
        CHECK(call.bytes == 0);
    }
    SUBCASE("before row 6: the block is empty") {
        Call call;
        call.range.NumberOfPorts = 0;
        call.out = nullptr;
        call.out_size = 0;
        CHECK(call.on(s) == WSAEINVAL);
        CHECK(call.bytes == 0);
    }
}

TEST_CASE("ACQUIRE from row 6 on is the model's, and refused calls never reach it") {
    wsrsim::tests::WinsockSession winsock;
    const SOCKET s = udp_socket();
    Call faulty;
    faulty.out_size = 4;
    REQUIRE(faulty.on(s) == WSAEINVAL);

    Call call;
    CHECK(call.on(s) == 0);  // 9000-9009 was still free
    CHECK(call.bytes == sizeof(INET_PORT_RESERVATION_INSTANCE));
    CHECK(ntohs(call.reservation.Reservation.StartPort) == 9000);
    CHECK(call.reservation.Reservation.NumberOfPorts == 10);
    CHECK(call.reservation.Token.Token != INVALID_PORT_RESERVATION_TOKEN);

    Call again;
    CHECK(again.on(s) == WSAEADDRINUSE);  // row 7
    Call empty;
    empty.range.NumberOfPorts = 0;
    CHECK(empty.on(s) == WSAEINVAL);  // row 6
    CHECK(empty.bytes == untouched);
    Call past_the_end;
    past_the_end.range = INET_PORT_RANGE{htons(65530), 7};
    CHECK(past_the_end.on(s) == WSAEINVAL);
}

TEST_CASE("ASSOCIATE and RELEASE: rows 3 and 4") {
    wsrsim::tests::WinsockSession winsock;
    const SOCKET owner = udp_socket();
    Call acquire;
    acquire.range = INET_PORT_RANGE{htons(9100), 5};
    REQUIRE(acquire.on(owner) == 0);
    const ULONG64 token = acquire.reservation.Token.Token;

    // Each row with a call that would pass every other row.
    const auto refused = [&](DWORD code, auto&& spoil) {
        Call call;
        call.with_token(code, token);
        spoil(call);
        const int error = call.on(udp_socket());
        CHECK(call.bytes == untouched);
        return error;
    };
    for (const DWORD code : {SIO_ASSOCIATE_PORT_RESERVATION, SIO_RELEASE_PORT_RESERVATION}) {
        CAPTURE(code);
        // Row 3, before row 4: a null lpvInBuffer with a size; no lpcbBytesReturned.
        CHECK(refused(code, [](Call& call) {
                  call.in = nullptr;
                  call.out_size = 4;
              }) == WSAEFAULT);
        CHECK(refused(code, [](Call& call) { call.bytes_returned = nullptr; }) == WSAEFAULT);
        // Row 4: cbInBuffer below 8, or cbOutBuffer not 0.
        CHECK(refused(code, [](Call& call) { call.in_size = 7; }) == WSAEINVAL);
        CHECK(refused(code, [](Call& call) {
                  call.out = &call.reservation;
                  call.out_size = 1;
              }) == WSAEINVAL);
        // Row 5, the model's: no such token.
        CHECK(refused(code, [](Call& call) { call.token = INVALID_PORT_RESERVATION_TOKEN; }) ==
              WSAEINVAL);
    }

    // "At least" 8 bytes: a longer buffer is fine. Neither gives output.
    struct {
        ULONG64 token;
        ULONG64 padding;
    } longer{token, 0};
    Call associate;
    associate.with_token(SIO_ASSOCIATE_PORT_RESERVATION, token);
    associate.in = &longer;
    associate.in_size = sizeof longer;
    CHECK(associate.on(udp_socket()) == 0);
    CHECK(associate.bytes == 0);
    Call release;
    release.with_token(SIO_RELEASE_PORT_RESERVATION, token);
    CHECK(release.on(owner) == 0);
    CHECK(release.bytes == 0);
}

TEST_CASE("other IOCTL codes: FIONBIO is accepted, anything else is WSAEOPNOTSUPP") {
    wsrsim::tests::WinsockSession winsock;
    const SOCKET s = udp_socket();
    ULONG non_blocking = 1;
    DWORD bytes = untouched;
    CHECK(error_of(WSAIoctl(s, FIONBIO, &non_blocking, sizeof non_blocking, nullptr, 0, &bytes,
                            nullptr, nullptr)) == 0);
    CHECK(bytes == 0);
    CHECK(error_of(WSAIoctl(s, FIONBIO, nullptr, 0, nullptr, 0, &bytes, nullptr, nullptr)) ==
          WSAEFAULT);
    CHECK(error_of(WSAIoctl(s, _WSAIOW(IOC_VENDOR, 103), nullptr, 0, nullptr, 0, &bytes, nullptr,
                            nullptr)) == WSAEOPNOTSUPP);
    CHECK(error_of(WSAIoctl(999, FIONBIO, &non_blocking, sizeof non_blocking, nullptr, 0, &bytes,
                            nullptr, nullptr)) == WSAENOTSOCK);
}
