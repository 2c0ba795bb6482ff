#include "backend_cases.hpp"

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <array>

namespace wsrsim::bench {
namespace {

constexpr Pid bench_pid = 1000;
// Filler reservations take one port each from here up, on both transports; the
// measured requests work above them, in a dynamic range of their own.
constexpr std::uint32_t filler_first_port = 1024;
constexpr std::uint32_t dynamic_start = 51024;
constexpr std::uint32_t dynamic_count = 65535 - dynamic_start + 1;
constexpr Port specific_port = 60000;
constexpr Port associated_block_port = 62000;
constexpr std::array live_reservation_counts{10, 1000, 100000};

// How filling went: the live reservations made, and the backend's last refusal.
struct Filled {
    std::size_t made = 0;
    Error last_refusal = Error::ok;
};

struct Fixture {
    std::unique_ptr<Backend> backend;
    SocketHandle holder = no_socket;  // a TCP socket that acquires the measured blocks
    Filled filled;
};

Outcome must(Backend& backend, const Request& request) { return backend.apply(request); }

// `live` one-port reservations, half per transport, skipping ports the backend refuses.
Filled fill(Backend& backend, SocketHandle tcp_holder, SocketHandle udp_holder, std::size_t live) {
    Filled filled;
    for (SocketHandle holder : {tcp_holder, udp_holder}) {
        const std::size_t goal = holder == tcp_holder ? live / 2 : live - live / 2;
        std::size_t here = 0;
        for (std::uint32_t port = filler_first_port; here < goal && port < dynamic_start; ++port) {
            const Outcome acquired =
                must(backend, req::Acquire{holder, PortBlock{static_cast<Port>(port), 1}, IoMode::sync});
            if (acquired.ok())
                ++here;
            else
                filled.last_refusal = acquired.error;
        }
        filled.made += here;
    }
    return filled;
}

Fixture prepare(const BackendFactory& make_backend, std::size_t live) {
    Fixture fixture{make_backend()};
    Backend& backend = *fixture.backend;
    must(backend, req::CreateProcess{bench_pid, true, "bench"});
    for (Transport transport : all_transports)
        must(backend, req::SetDynamicRange{transport, dynamic_start, dynamic_count});
    fixture.holder = must(backend, req::OpenSocket{bench_pid, SocketKind::tcp, {}}).socket;
    const SocketHandle udp_holder = must(backend, req::OpenSocket{bench_pid, SocketKind::udp, {}}).socket;
    fixture.filled = fill(backend, fixture.holder, udp_holder, live);
    return fixture;
}

// Runs `step` once per iteration; a step that fails stops the case with its code.
template <class Step>
void measure(benchmark::State& state, const BackendFactory& make_backend, Step step) {
    const auto live = static_cast<std::size_t>(state.range(0));
    Fixture fixture = prepare(make_backend, live);
    if (fixture.filled.made != live) {
        // A real backend holds a descriptor per reserved port: WSAENOBUFS there
        // means RLIMIT_NOFILE ran out, so the message names it.
        rlimit descriptors{};
        getrlimit(RLIMIT_NOFILE, &descriptors);
        const std::string why = "could make only " + std::to_string(fixture.filled.made) + " of " +
                                std::to_string(live) + " live reservations (last refusal: " +
                                std::string{error_name(fixture.filled.last_refusal)} +
                                "; descriptor limit " + std::to_string(descriptors.rlim_cur) + ")";
        state.SkipWithError(why.c_str());
        return;
    }
    for (auto _ : state) {
        if (const Error error = step(*fixture.backend, fixture.holder); error != Error::ok) {
            state.SkipWithError(std::string{error_name(error)}.c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
}

// Acquires a block on the holder and releases it again.
Error acquire_release(Backend& backend, SocketHandle holder, PortBlock block) {
    const Outcome acquired = must(backend, req::Acquire{holder, block, IoMode::sync});
    if (!acquired.ok()) return acquired.error;
    return must(backend, req::Release{holder, acquired.token, IoMode::sync}).error;
}

// Opens a socket, optionally associates it, binds port 0 and closes it.
Error bind_and_close(Backend& backend, Token associate_with) {
    const Outcome opened = must(backend, req::OpenSocket{bench_pid, SocketKind::tcp, {}});
    if (!opened.ok()) return opened.error;
    if (associate_with != invalid_token) {
        const Outcome associated = must(backend, req::Associate{opened.socket, associate_with, IoMode::sync});
        if (!associated.ok()) return associated.error;
    }
    const Outcome bound = must(backend, req::Bind{opened.socket, 0});
    if (!bound.ok()) return bound.error;
    return must(backend, req::CloseSocket{opened.socket}).error;
}

template <class Case>
void register_case(const std::string& name, const std::string& backend_name,
                   const BackendFactory& make_backend, Case run) {
    auto* benchmark = benchmark::RegisterBenchmark(
        (name + "/" + backend_name).c_str(),
        [make_backend, run](benchmark::State& state) { run(state, make_backend); });
    for (int live : live_reservation_counts) benchmark->Arg(live);
    benchmark->ArgName("live");
}

// Heap bytes in use, as glibc's allocator counts them: those of its arenas and
// those of blocks big enough to get pages of their own (a hash table's buckets,
// a pool's chunks), which the arenas' count leaves out.
std::size_t heap_in_use() {
    const auto info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

}  // namespace

void register_backend_cases(const std::string& backend_name, const BackendFactory& make_backend) {
    for (const Port count : {Port{1}, Port{100}}) {
        register_case("specific_acquire_release_" + std::to_string(count), backend_name, make_backend,
                      [count](benchmark::State& state, const BackendFactory& make) {
                          measure(state, make, [count](Backend& backend, SocketHandle holder) {
                              return acquire_release(backend, holder, PortBlock{specific_port, count});
                          });
                      });
    }
    register_case("wildcard_acquire_release_100", backend_name, make_backend,
                  [](benchmark::State& state, const BackendFactory& make) {
                      measure(state, make, [](Backend& backend, SocketHandle holder) {
                          return acquire_release(backend, holder, PortBlock{0, 100});
                      });
                  });
    register_case("associate_bind_close", backend_name, make_backend,
                  [](benchmark::State& state, const BackendFactory& make) {
                      Token token = invalid_token;
                      measure(state, make, [&token](Backend& backend, SocketHandle holder) {
                          if (token == invalid_token) {
                              const Outcome block = must(
                                  backend, req::Acquire{holder, PortBlock{associated_block_port, 100},
                                                        IoMode::sync});
                              if (!block.ok()) return block.error;
                              token = block.token;
                          }
                          return bind_and_close(backend, token);
                      });
                  });
    register_case("ephemeral_bind_close", backend_name, make_backend,
                  [](benchmark::State& state, const BackendFactory& make) {
                      measure(state, make, [](Backend& backend, SocketHandle) {
                          return bind_and_close(backend, invalid_token);
                      });
                  });
}

void register_model_memory_cases() {
    // Heap bytes per live reservation: the host's pools and indexes included, its
    // fixed start-up cost excluded.
    benchmark::RegisterBenchmark("model_bytes_per_live_reservation", [](benchmark::State& state) {
        const auto live = static_cast<std::size_t>(state.range(0));
        double bytes = 0;
        for (auto _ : state) {
            Host host;
            host.create_process(bench_pid, true, "bench");
            const SocketHandle tcp = host.open_socket(bench_pid, SocketKind::tcp).socket;
            const SocketHandle udp = host.open_socket(bench_pid, SocketKind::udp).socket;
            const std::size_t before = heap_in_use();
            std::size_t made = 0;
            for (std::uint32_t port = filler_first_port; made < live && port <= highest_port; ++port)
                for (SocketHandle holder : {tcp, udp})
                    if (made < live && host.acquire(holder, PortBlock{static_cast<Port>(port), 1}).ok()) ++made;
            bytes = static_cast<double>(heap_in_use() - before) / static_cast<double>(made);
        }
        state.counters["bytes_per_reservation"] = bytes;
    })->Arg(100000)->Iterations(1)->ArgName("live");
}

}  // namespace wsrsim::bench
