#include "wsrsim/trace_gen.hpp"

#include <array>
#include <concepts>
#include <string>

#include "wsrsim/random.hpp"
#include "wsrsim/replay.hpp"

namespace wsrsim::trace {
namespace {

constexpr std::array generated_names{
    std::pair{GeneratedTrace::hyperv, std::string_view{"hyperv"}},
    std::pair{GeneratedTrace::churn, std::string_view{"churn"}},
    std::pair{GeneratedTrace::exhaust, std::string_view{"exhaust"}},
};

// Builds one line at a time, runs it on a model host and writes it out. Once the
// options' number of requests is written, further lines are dropped.
class TraceWriter {
public:
    TraceWriter(std::ostream& out, const GenOptions& options)
        : out_(out),
          options_(options),
          parser_("<generated>"),
          engine_(model_.factory(), ReplayOptions{.file = "<generated>"}) {}

    // Appends one word made of the parts: word("$t", 3) is "$t3".
    template <class... Parts>
    TraceWriter& word(const Parts&... parts) {
        if (!line_.empty()) line_ += ' ';
        (append(parts), ...);
        return *this;
    }

    // Appends each argument as a word of its own.
    template <class... Words>
    TraceWriter& words(const Words&... each) {
        (word(each), ...);
        return *this;
    }

    // Ends the line: runs it, writes it, and gives its outcome (nullptr once full
    // or after an error).
    const Outcome* end() {
        if (full()) {
            line_.clear();
            return nullptr;
        }
        ++number_;
        error = parser_.parse(line_, number_, parsed_);
        if (!error) error = engine_.run(parsed_);
        if (error) return nullptr;
        if (parsed_.kind == LineKind::request) {
            ++requests_;
            if (options_.expectations) {
                line_ += " => ";
                line_ += describe(engine_.last_outcome());
            }
        }
        line_ += '\n';
        out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
        line_.clear();
        return &engine_.last_outcome();
    }

    void comment(std::string_view text) {
        ++number_;
        out_ << "# " << text << '\n';
    }

    bool full() const { return error.has_value() || requests_ >= options_.events; }
    Nanos now() const { return model_.host() ? model_.host()->now() : 0; }

    std::optional<TraceError> error;

private:
    void append(std::string_view text) { line_ += text; }
    void append(std::integral auto number) { line_ += std::to_string(number); }

    std::ostream& out_;
    const GenOptions& options_;
    ModelHost model_;
    TraceParser parser_;
    ReplayEngine engine_;
    TraceLine parsed_;
    std::string line_;
    std::uint64_t number_ = 0;
    std::uint64_t requests_ = 0;
};

void header(TraceWriter& out, const GenOptions& options, std::string_view what) {
    out.comment("wsrsim trace 1");
    out.comment(std::string(what));
    out.comment("wsrsim gen " + std::string(generated_trace_name(options.kind)) + " --seed " +
                std::to_string(options.seed) + " --events " + std::to_string(options.events));
    out.words("seed", options.seed).end();
    if (options.placement) out.words("policy").word("wildcard=", placement_name(*options.placement)).end();
}

template <class T, std::size_t N>
const T& pick(Rng& rng, const std::array<T, N>& items) {
    return items[rng.below(N)];
}

// ---- hyperv ------------------------------------------------------------------

struct Listener {
    std::string_view name;
    Port port;
};

constexpr std::array listeners{
    Listener{"iis", 80},         Listener{"iis", 443},        Listener{"sqlservr", 1433},
    Listener{"node", 3000},      Listener{"mysqld", 3306},    Listener{"ng", 4200},
    Listener{"flask", 5000},     Listener{"adb", 5037},       Listener{"postgres", 5432},
    Listener{"rabbitmq", 5672},  Listener{"redis", 6379},     Listener{"django", 8000},
    Listener{"tomcat", 8080},    Listener{"tomcat", 8443},    Listener{"php", 9000},
    Listener{"elastic", 9200},   Listener{"mongod", 27017},   Listener{"grpc", 50051},
};

constexpr Pid hyperv_service = 1200;
constexpr Pid boot_services = 1300;
constexpr std::uint64_t most_boot_blocks = 40;

// How many TCP blocks the service takes at one boot: 1 to 40, mean about 11, most
// hosts few and some many, like the 33 real hosts' tables (README "Placement
// against real hosts"): a geometric count capped at 40.
std::uint64_t boot_blocks(Rng& rng) {
    std::uint64_t blocks = 1;
    while (blocks < most_boot_blocks && rng.below(11) != 0) ++blocks;
    return blocks;
}

// The service's boot: it takes 100-port wildcard blocks of both transports while
// other services now and then bind an ephemeral port, which stays bound.
void hyperv_boot(TraceWriter& out, Rng& rng) {
    out.words("process", hyperv_service, "elevated", "name=vmcompute").end();
    out.words("process", boot_services, "name=svchost").end();
    out.words("socket", hyperv_service, "nat_tcp", "tcp").end();
    out.words("socket", hyperv_service, "nat_udp", "udp").end();
    const std::uint64_t blocks = boot_blocks(rng);
    std::uint64_t binds = 0;
    for (std::uint64_t i = 0; i < blocks; ++i) {
        if (rng.below(4) == 0) {
            out.words("socket", boot_services).word("svc", binds).words(rng.below(2) ? "udp" : "tcp").end();
            out.words("bind").word("svc", binds++).words(0).end();
        }
        out.words("acquire", "nat_tcp", 0, 100).end();
    }
    for (std::uint64_t i = 0; i < blocks / 2; ++i) out.words("acquire", "nat_udp", 0, 100).end();
}

void hyperv(TraceWriter& out, Rng& rng) {
    if (rng.below(2) == 0) {
        out.comment("this machine's dynamic ranges start at 1024, as some updates leave them");
        for (std::string_view transport : {"tcp", "udp"}) out.words("dynamic", transport, 1024, 64511).end();
    }
    hyperv_boot(out, rng);
    std::uint64_t apps = 0;
    std::uint64_t apps_until_reboot = 100 + rng.below(300);
    while (!out.full()) {
        // An application starts, binds its port (or a random one), and goes.
        const Listener& listener = pick(rng, listeners);
        const Pid pid = static_cast<Pid>(3000 + apps++ % 100);
        const Port port = rng.below(4) == 0 ? static_cast<Port>(1024 + rng.below(64512)) : listener.port;
        out.words("process", pid).word("name=", listener.name).end();
        out.words("socket", pid, "app", rng.below(5) == 0 ? "udp" : "tcp").end();
        out.words("bind", "app", port).end();
        out.words("close", "app").end();
        out.words("exit", pid).end();
        if (--apps_until_reboot == 0) {
            out.words("reboot").end();
            hyperv_boot(out, rng);
            apps_until_reboot = 100 + rng.below(300);
        }
    }
}

// ---- exhaust -----------------------------------------------------------------

void exhaust(TraceWriter& out) {
    out.words("process", 1000, "name=exhaust").end();
    out.words("socket", 1000, "s1", "tcp").end();
    while (const Outcome* outcome = out.words("acquire", "s1", 0, 100).end())
        if (outcome->error == Error::wsaenobufs) break;
}

// ---- churn -------------------------------------------------------------------

// Every request kind at random over a bounded world: 8 processes of 4 socket
// names each, 16 token variables and 8 request variables, so the host's state
// (and the replay's memory) stays bounded however long the trace.
class Churn {
public:
    Churn(TraceWriter& out, Rng& rng) : out_(out), rng_(rng) {}

    void run() {
        for (std::size_t p = 0; p < processes; ++p) {
            create_process(p);
            out_.end();
        }
        // Every name is defined from the start, so any later line may use any name.
        for (std::size_t s = 0; s < sockets && !out_.full(); ++s) {
            out_.words("socket", pid_of(s / sockets_per_process), socket_name(s), s % 2 ? "udp" : "tcp").end();
            open_[s] = true;
        }
        while (!out_.full()) step();
    }

private:
    static constexpr std::size_t processes = 8;
    static constexpr std::size_t sockets_per_process = 4;
    static constexpr std::size_t sockets = processes * sockets_per_process;
    static constexpr std::size_t token_variables = 16;
    static constexpr std::size_t request_variables = 8;
    static constexpr std::array persistent_blocks{PortBlock{1500, 10}, PortBlock{2000, 50},
                                                  PortBlock{3000, 1},  PortBlock{50000, 60},
                                                  PortBlock{60000, 100}, PortBlock{0, 5}};

    static Pid pid_of(std::size_t process) { return static_cast<Pid>(1001 + process); }
    static bool elevated(std::size_t process) { return process % 3 == 0; }

    std::string socket_name(std::size_t socket) const {
        return {'s', static_cast<char>('a' + socket / sockets_per_process),
                static_cast<char>('0' + socket % sockets_per_process)};
    }

    std::size_t any_socket() { return rng_.below(sockets); }
    // Mostly an open socket, sometimes any (closed ones give WSAENOTSOCK).
    std::size_t some_socket() {
        for (int tries = 0; tries < 8 && rng_.below(10) != 0; ++tries) {
            const std::size_t socket = any_socket();
            if (open_[socket]) return socket;
        }
        return any_socket();
    }

    void token_operand() {
        std::size_t defined = rng_.below(token_variables);
        if (token_defined_[defined] && rng_.below(20) != 0) out_.word("$t", defined);
        else out_.words(rng_.next() | 1);  // a token nobody was given
    }

    void create_process(std::size_t process) {
        out_.words("process", pid_of(process));
        if (elevated(process)) out_.words("elevated");
        out_.word("name=app", process);
        alive_[process] = true;
    }

    void step() {
        if (rng_.below(20) == 0) {
            clock_ = std::max(clock_, out_.now()) + 1 + rng_.below(2000);
            out_.word("@", clock_);
        }
        const std::uint64_t roll = rng_.below(1000);
        if (roll < 165) bind();
        else if (roll < 265) acquire_wildcard();
        else if (roll < 345) acquire_specific();
        else if (roll < 415) token_request("associate");
        else if (roll < 495) token_request("release");
        else if (roll < 585) close();
        else if (roll < 735) open_socket();
        else if (roll < 805) out_.words("getsockname", socket_name(some_socket()));
        else if (roll < 855) wait();
        else if (roll < 945) persistent();
        else if (roll < 975) process();
        else if (roll < 985) exit();
        else if (roll < 993) dynamic();
        else if (roll < 999 || rng_.below(5) != 0) policy();
        else reboot();
        out_.end();
    }

    void bind() {
        out_.words("bind", socket_name(some_socket()));
        const std::uint64_t kind = rng_.below(20);
        if (kind < 8) out_.words(0);
        else if (kind < 14) out_.words(49152 + rng_.below(16384));
        else if (kind < 17) out_.words(pick(rng_, listeners).port);
        else out_.words(1 + rng_.below(65535));
    }

    void as_variable() {
        if (rng_.below(5) == 0) {
            const std::size_t request = rng_.below(request_variables);
            out_.words("async", "as").word("w", request);
            request_state_[request] = RequestState::issued;
        } else {
            const std::size_t token = rng_.below(token_variables);
            out_.words("as").word("t", token);
            token_defined_[token] = true;
        }
    }

    void acquire_wildcard() {
        const std::uint64_t kind = rng_.below(20);
        const std::uint64_t count = kind < 14 ? 100 : kind < 18 ? 1 + rng_.below(50) : kind < 19 ? 0 : 20000;
        out_.words("acquire", socket_name(some_socket()), 0, count);
        as_variable();
    }

    void acquire_specific() {
        out_.words("acquire", socket_name(some_socket()), 1 + rng_.below(65535), 1 + rng_.below(64));
        as_variable();
    }

    void token_request(std::string_view command) {
        out_.words(command, socket_name(some_socket()));
        token_operand();
        if (rng_.below(10) == 0) out_.words("async");
    }

    void close() {
        const std::size_t socket = some_socket();
        out_.words("close", socket_name(socket));
        open_[socket] = false;
    }

    void open_socket() {
        std::size_t socket = any_socket();
        for (int tries = 0; tries < 8 && open_[socket]; ++tries) socket = any_socket();
        if (open_[socket]) return close();  // a name keeps one open socket, so none leaks
        const std::size_t process = socket / sockets_per_process;
        const std::uint64_t kind = rng_.below(20);
        out_.words("socket", pid_of(process), socket_name(socket), kind < 9 ? "tcp" : kind < 18 ? "udp" : "raw");
        if (rng_.below(10) == 0) out_.words("v6");
        if (rng_.below(10) == 0) out_.words("nonoverlapped");
        open_[socket] = alive_[process];
    }

    void wait() {
        const std::size_t request = rng_.below(request_variables);
        if (request_state_[request] == RequestState::none) {
            out_.words("getsockname", socket_name(some_socket()));
            return;
        }
        out_.words("wait").word("w", request);
        request_state_[request] = RequestState::waited;
    }

    void persistent() {
        static constexpr std::array commands{"persist-create", "persist-create", "persist-lookup",
                                             "persist-delete"};
        const std::string_view command = pick(rng_, commands);
        const PortBlock block = pick(rng_, persistent_blocks);
        out_.words(command, pid_of(rng_.below(processes)), rng_.below(2) ? "tcp" : "udp", block.start, block.count);
        if (command == "persist-create" && rng_.below(5) == 0) out_.words("store=active");
    }

    // Brings back a process that exited; now and then starts a live one again,
    // which gives ERROR_ALREADY_EXISTS.
    void process() {
        std::size_t process = rng_.below(processes);
        for (int tries = 0; tries < 8 && alive_[process]; ++tries) process = rng_.below(processes);
        create_process(process);
    }

    void exit() {
        const std::size_t process = rng_.below(processes);
        out_.words("exit", pid_of(process));
        alive_[process] = false;
        for (std::size_t s = 0; s < sockets_per_process; ++s) open_[process * sockets_per_process + s] = false;
    }

    void dynamic() {
        const std::string_view transport = rng_.below(2) ? "tcp" : "udp";
        if (rng_.below(4) == 0) {
            out_.words("dynamic", transport, 100 + rng_.below(900), 10);  // refused
            return;
        }
        const std::uint64_t start = 1024 + rng_.below(48129);
        out_.words("dynamic", transport, start, 255 + rng_.below(65535 - start - 255 + 2));
    }

    void policy() {
        static constexpr std::array placements{"first-fit", "next-fit", "random", "clustered"};
        static constexpr std::array ephemerals{"sequential", "random"};
        out_.words("policy").word("wildcard=", pick(rng_, placements)).word("ephemeral=", pick(rng_, ephemerals));
        out_.word("latency=", rng_.below(3) == 0 ? rng_.below(5000) : 0);
    }

    void reboot() {
        out_.words("reboot").end();
        alive_ = {};
        open_ = {};
        for (std::size_t p = 0; p + 1 < processes; ++p) {
            create_process(p);
            out_.end();
        }
        create_process(processes - 1);
    }

    enum class RequestState : std::uint8_t { none, issued, waited };

    TraceWriter& out_;
    Rng& rng_;
    Nanos clock_ = 0;
    std::array<bool, processes> alive_{};
    std::array<bool, sockets> open_{};
    std::array<bool, token_variables> token_defined_{};
    std::array<RequestState, request_variables> request_state_{};
};

}  // namespace

std::optional<GeneratedTrace> parse_generated_trace(std::string_view name) {
    for (const auto& [kind, spelling] : generated_names)
        if (spelling == name) return kind;
    return std::nullopt;
}

std::string_view generated_trace_name(GeneratedTrace kind) {
    for (const auto& [candidate, spelling] : generated_names)
        if (candidate == kind) return spelling;
    return "?";
}

std::optional<TraceError> generate_trace(std::ostream& out, const GenOptions& options) {
    TraceWriter writer(out, options);
    Rng rng(options.seed);
    switch (options.kind) {
    case GeneratedTrace::hyperv:
        header(writer, options, "Hyper-V: a service takes 100-port wildcard blocks at each boot, "
                                "then applications bind fixed ports (some fail with WSAEACCES)");
        hyperv(writer, rng);
        break;
    case GeneratedTrace::churn:
        header(writer, options, "churn: a random mix of every request, errors included");
        Churn(writer, rng).run();
        break;
    case GeneratedTrace::exhaust:
        header(writer, options, "exhaust: 100-port wildcard blocks until WSAENOBUFS");
        exhaust(writer);
        break;
    }
    return writer.error;
}

}  // namespace wsrsim::trace
