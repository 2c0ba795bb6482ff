// Random requests for the differential test. Uniformly random requests would
// almost never collide, so this one aims: ports come from a small window of the
// seed and from live blocks and bound ports, handles and tokens are mostly live or
// recent ones, dynamic ranges are often the smallest allowed so they run out, and
// every kind of invalid argument turns up now and then.
#pragma once

#include <vector>

#include "reference_model.hpp"

namespace wsrsim::differential {

class RequestGenerator {
public:
    explicit RequestGenerator(std::uint64_t seed);

    // The next request, aimed at what `host` holds now.
    Request next(const reference::ReferenceHost& host);
    // Remembers what a request gave: handles, tokens, request ids, blocks.
    void observe(const Outcome& outcome);

private:
    bool chance(std::uint64_t percent);
    std::uint32_t between(std::uint32_t low, std::uint32_t high);  // inclusive
    template <class T>
    T recent(const std::vector<T>& seen);  // mostly one of the last few
    template <class T>
    T any_of(const std::vector<T>& values);

    Request set_dynamic_range(Transport transport);
    Request set_policies();
    Request create_process();
    Request exit_process();
    Request open_socket();
    Request close_socket();
    Request bind(const reference::ReferenceHost& host);
    Request getsockname();
    Request acquire(const reference::ReferenceHost& host);
    Request associate_or_release(const reference::ReferenceHost& host, bool associate);
    Request advance_clock(const reference::ReferenceHost& host);
    Request wait();
    Request persist_create(const reference::ReferenceHost& host);
    Request persist_find(const reference::ReferenceHost& host, bool lookup);

    Pid pid();
    Pid caller(std::uint64_t live_percent = 70);
    IoMode mode();
    reference::SocketEntry socket();
    SocketHandle unknown_handle();
    Token token(const reference::ReferenceHost& host);
    Port port(const reference::ReferenceHost& host, Transport transport);
    Port port_in(Transport transport, PortBlock block);
    Port count();
    Port wildcard_count(const DynamicRange& range);
    PortBlock block(const reference::ReferenceHost& host, Transport transport);
    PortBlock invalid_block();
    PortBlock existing_block(const reference::ReferenceHost& host, Transport transport);

    Rng rng_;
    Port window_start_;  // most explicit ports fall near it
    bool starts_with_small_ranges_;
    std::size_t emitted_ = 0;
    // What the host held when next() was called.
    std::vector<Pid> live_processes_;
    std::vector<reference::SocketEntry> live_sockets_;
    std::vector<SocketHandle> handles_;
    std::vector<Token> tokens_;
    std::vector<RequestId> requests_;
    std::vector<PortBlock> blocks_;
};

}  // namespace wsrsim::differential
