// Saved hosts: Host::lasting_state / restore, the file format's errors, atomic
// saving under SIGKILL, and `wsrsim replay --state`.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "wsrsim/host.hpp"
#include "wsrsim/host_state_file.hpp"

namespace fs = std::filesystem;
using namespace wsrsim;
using trace::format_host_state;

namespace {

// A directory of scratch files, removed afterwards.
class Scratch {
public:
    explicit Scratch(const std::string& name)
        : dir_(fs::temp_directory_path() / ("wsrsim-" + name + "-" + std::to_string(getpid()))) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~Scratch() { fs::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_ / name, std::ios::binary) << text;
        return path(name);
    }

private:
    fs::path dir_;
};

std::string contents(const std::string& path) {
    std::ostringstream text;
    text << std::ifstream(path, std::ios::binary).rdbuf();
    return text.str();
}

// A host that has used both generators and holds persistent, active and runtime reservations.
Host used_host() {
    Host host{{.seed = 77}};
    REQUIRE(host.create_process(1, true, "admin") == Error::ok);
    REQUIRE(host.set_dynamic_range(Transport::udp, 20000, 1000) == Error::ok);
    REQUIRE(host.create_persistent(1, Transport::tcp, {50000, 100}).ok());
    REQUIRE(host.create_persistent(1, Transport::udp, {20100, 10}).ok());
    REQUIRE(host.create_persistent(1, Transport::tcp, {60000, 5}, ReservationKind::active).ok());
    const SocketHandle socket = host.open_socket(1, SocketKind::tcp).socket;
    REQUIRE(host.acquire(socket, {0, 50}).ok());
    return host;
}

HostSnapshot sample_snapshot(std::uint64_t seed) {
    Host host{{.seed = seed}};
    REQUIRE(host.create_process(1, true, "admin") == Error::ok);
    REQUIRE(host.create_persistent(1, Transport::tcp, {static_cast<Port>(40000 + seed), 10}).ok());
    return host.lasting_state();
}

}  // namespace

TEST_CASE("a restored host is the saved host after a reboot") {
    Host original = used_host();
    const HostSnapshot snapshot = original.lasting_state();
    CHECK(snapshot.persistent.size() == 2);  // store=active and runtime blocks are not lasting

    Host restored{{.seed = 1}};
    REQUIRE(restored.restore(snapshot) == Error::ok);
    original.reboot();
    CHECK(restored.seed() == 77);
    CHECK(restored.dynamic_range(Transport::udp) == DynamicRange{20000, 1000});
    for (Transport transport : all_transports)
        CHECK(restored.reservations(transport) == original.reservations(transport));

    // Both generators continue where the saved host's were.
    for (Host* host : {&original, &restored}) {
        REQUIRE(host->create_process(2, false, "app") == Error::ok);
        host->set_policies({.wildcard = WildcardPlacement::random, .ephemeral = EphemeralPolicy::random});
    }
    for (int i = 0; i < 20; ++i) {
        const SocketHandle a = original.open_socket(2, SocketKind::udp).socket;
        const SocketHandle b = restored.open_socket(2, SocketKind::udp).socket;
        CHECK(original.acquire(a, {0, 7}) == restored.acquire(b, {0, 7}));
        const SocketHandle c = original.open_socket(2, SocketKind::tcp).socket;
        const SocketHandle d = restored.open_socket(2, SocketKind::tcp).socket;
        CHECK(original.bind(c, 0) == restored.bind(d, 0));
    }
}

TEST_CASE("restore refuses a used host and impossible snapshots, changing nothing") {
    Host used = used_host();
    CHECK(used.restore(sample_snapshot(3)) == Error::invalid_parameter);

    const auto refused = [](auto&& spoil) {
        HostSnapshot snapshot = sample_snapshot(3);
        spoil(snapshot);
        Host host{{.seed = 9}};
        const HostSnapshot before = host.lasting_state();
        CHECK(host.restore(snapshot) == Error::invalid_parameter);
        CHECK(host.lasting_state() == before);
    };
    refused([](HostSnapshot& s) { s.tcp_range = {100, 1000}; });
    refused([](HostSnapshot& s) { s.udp_range = {65000, 1000}; });
    refused([](HostSnapshot& s) { s.rng_state = {}; });
    refused([](HostSnapshot& s) { s.persistent.push_back({Transport::tcp, {40005, 10}}); });
    refused([](HostSnapshot& s) { s.persistent.push_back({Transport::udp, {65530, 10}}); });
    refused([](HostSnapshot& s) { s.persistent.push_back({Transport::udp, {0, 10}}); });
}

TEST_CASE("the file format round-trips and names what is wrong") {
    const HostSnapshot snapshot = used_host().lasting_state();
    const std::string text = format_host_state(snapshot);
    const auto parsed = trace::parse_host_state(text);
    REQUIRE(std::holds_alternative<HostSnapshot>(parsed));
    CHECK(std::get<HostSnapshot>(parsed) == snapshot);

    const auto problem = [](const std::string& bad) {
        const auto result = trace::parse_host_state(bad);
        REQUIRE(std::holds_alternative<std::string>(result));
        return std::get<std::string>(result);
    };
    // Every cut is refused, whole lines or not.
    for (std::size_t length = 0; length < text.size(); ++length) CHECK(!problem(text.substr(0, length)).empty());
    CHECK(problem(text.substr(0, text.size() - 1)).find("truncated") != std::string::npos);
    // Every changed byte is refused.
    for (std::size_t at = 0; at < text.size(); ++at) {
        std::string corrupt = text;
        corrupt[at] = static_cast<char>(corrupt[at] ^ 0x04);
        CHECK(!problem(corrupt).empty());
    }
    std::string future = text;
    future.replace(0, future.find('\n'), "wsrsim-host-state 2");
    CHECK(problem(future) == "version 2 is newer than this wsrsim reads (1)");
    CHECK(problem("hello\n") == "not a saved wsrsim host (no header line)");
}

TEST_CASE("load_host_state: a missing file is an empty store, a bad one an error naming it") {
    Scratch scratch("state-load");
    const auto missing = trace::load_host_state(scratch.path("none.state"));
    CHECK(missing.error.empty());
    CHECK(!missing.snapshot);

    const std::string path = scratch.write("cut.state", format_host_state(sample_snapshot(1)).substr(0, 40));
    const auto cut = trace::load_host_state(path);
    CHECK(!cut.snapshot);
    CHECK(cut.error.starts_with(path + ": truncated"));

    const std::string saved = scratch.path("good.state");
    REQUIRE(!trace::save_host_state(saved, sample_snapshot(2)));
    CHECK(trace::load_host_state(saved).snapshot == sample_snapshot(2));
    CHECK(trace::save_host_state(scratch.path("no/such/dir/x.state"), sample_snapshot(2)).has_value());
}

TEST_CASE("a writer killed at any instant leaves the old file or the new one") {
    Scratch scratch("state-kill");
    const std::string path = scratch.path("host.state");
    const HostSnapshot old_state = sample_snapshot(10);
    const HostSnapshot new_state = sample_snapshot(20);
    REQUIRE(!trace::save_host_state(path, old_state));

    int survivors_old = 0, survivors_new = 0;
    for (int round = 0; round < 150; ++round) {
        const pid_t writer = fork();
        REQUIRE(writer >= 0);
        if (writer == 0) {  // saves the two snapshots in turn until killed
            for (std::uint64_t n = 0;; ++n) trace::save_host_state(path, n % 2 ? old_state : new_state);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(37 * (round % 50)));
        ::kill(writer, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(writer, &status, 0) == writer);
        const auto loaded = trace::load_host_state(path);
        INFO("round " << round << ": " << loaded.error);
        REQUIRE(loaded.snapshot);
        CHECK((*loaded.snapshot == old_state || *loaded.snapshot == new_state));
        (*loaded.snapshot == old_state ? survivors_old : survivors_new) += 1;
    }
    MESSAGE("survivors: " << survivors_old << " old, " << survivors_new << " new");
}

TEST_CASE("wsrsim replay --state: saves, continues, and leaves a bad file untouched") {
    const char* wsrsim = std::getenv("WSRSIM");
    REQUIRE_MESSAGE(wsrsim, "WSRSIM is not set: run the tests through meson");
    Scratch scratch("state-cli");
    const std::string first = scratch.write("first.trace",
        "seed 5\nprocess 1 elevated\npersist-create 1 tcp 50000 60 => ok\n");
    const std::string second = scratch.write("second.trace",
        "process 1 elevated\npersist-lookup 1 tcp 50000 60 => ok start=50000 count=60\n");
    const std::string state = scratch.path("host.state");
    const auto replay = [&](const std::string& trace) {
        const std::string command = std::string(wsrsim) + " replay --no-progress --state " + state + ' ' + trace +
                                    " >/dev/null 2>&1";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    };
    CHECK(replay(second) == 1);  // nothing saved yet
    std::filesystem::remove(state);
    CHECK(replay(first) == 0);
    CHECK(replay(second) == 0);

    std::string corrupt = contents(state);
    corrupt[corrupt.find("50000")] = '6';
    scratch.write("host.state", corrupt);
    CHECK(replay(second) == 2);
    CHECK(contents(state) == corrupt);
}
