#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "wsrsim/events_csv.hpp"
#include "input_file.hpp"
#include "progress_bar.hpp"
#include "report.hpp"
#include "wsrsim/divergence.hpp"
#include "wsrsim/host_state_file.hpp"
#include "wsrsim/linux_backend.hpp"

namespace wsrsim::cli {
namespace {

constexpr std::string_view usage = R"(usage: wsrsim replay [OPTIONS] TRACE...

Replays each trace (a file, or - for standard input) on a fresh simulated host
and prints a summary: requests by kind, outcomes by code, unmet expectations,
peak reservations and bound sockets per transport, failed wildcard requests, and
the final `netsh int ipv4 show excludedportrange` tables. The trace format is
described in traces/README.md.

options:
  --json              print one JSON document instead
  --events FILE.csv   write one row per request:
                      time,line,request,outcome,token,port,start,count,trace
  --progress          show a progress bar with events/s on standard error
                      (the default when standard error is a terminal)
  --no-progress       do not
  --seed N            the host seed, instead of the traces' `seed` lines
  --policy SETTINGS   e.g. wildcard=first-fit,ephemeral=random,latency=1000:
                      these settings win over the traces' `policy` lines
  --host TABLE.txt    start from the host that pasted `netsh int ipv4 show
                      excludedportrange` / `show dynamicport` output describes:
                      `*` rows become persistent reservations, the others
                      runtime reservations of pid 4 "System"
  --limits CAPS       e.g. sockets=100000,reservations=5000,processes=64,line=4096:
                      caps on what the host holds at once (refused with the codes
                      of decisions.hpp; each wins over the trace's `limits` line)
                      and on a trace line's bytes (a trace error)
  --backend linux     also serve every request on real Linux sockets (127.0.0.1)
                      and report where their outcomes differ from the model's;
                      the model's outcomes still decide the expectations. Not
                      with --host or --state: it starts from an empty host
  --state FILE        a saved host: its persistent reservations, dynamic ranges
                      and generators are loaded before each trace (they win over
                      `seed` lines and --seed) and saved after it, atomically; a
                      missing FILE starts a new saved host

exit status: 0 every expectation met, 1 some unmet, 2 bad input (a trace
error, an unreadable file, a bad option)
)";

std::optional<HostImport> load_import(std::string_view path) {
    std::ifstream file;
    if (!open_input(file, path, "replay")) return std::nullopt;
    HostImport import{std::string(path), trace::read_netsh_tables(file), {}};
    if (import.tables.read_failed) {
        std::cerr << "wsrsim replay: reading " << path << " failed\n";
        return std::nullopt;
    }
    // What the host refuses does not depend on the seed: find it once, on a scratch host.
    Host scratch;
    ModelBackend backend(scratch);
    import.refused = trace::recreate_host(backend, import.tables);
    return import;
}

std::optional<std::uint64_t> size_of(std::string_view path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(std::filesystem::path(path), error);
    if (error) return std::nullopt;
    return size;
}

// "sockets=N,reservations=N,processes=N,line=N", any of them, commas or blanks between.
std::optional<std::string> read_limits(std::string_view text, trace::ReplayOptions& options) {
    return trace::read_settings(text, [&](std::string_view word) -> std::optional<std::string> {
        const std::size_t equals = std::min(word.find('='), word.size());
        const std::string_view key = word.substr(0, equals);
        if (key == "line") {
            const std::string_view value = word.substr(std::min(equals + 1, word.size()));
            const auto longest = parse_count(value);
            if (!longest || *longest == 0)
                return "--limits: line must be a number above 0, not '" + std::string(value) + "'";
            options.longest_line = static_cast<std::size_t>(*longest);
            return std::nullopt;
        }
        if (std::none_of(trace::limit_caps.begin(), trace::limit_caps.end(),
                         [&](const trace::LimitCap& cap) { return cap.name == key; }))
            return "--limits takes sockets=, reservations=, processes= and line=, not '" +
                   std::string(word) + "'";
        if (auto problem = trace::read_limit_setting(word, options.limits)) return "--limits: " + *problem;
        return std::nullopt;
    });
}

struct SavedHost {
    std::string path;
    std::optional<HostSnapshot> snapshot;  // nullopt until a host has been saved there
};

// Loads `replay --state FILE`; prints what is wrong (naming the file) and gives
// nullopt when it cannot be used. The file is never changed here.
std::optional<SavedHost> load_saved_host(std::string_view path) {
    SavedHost saved{std::string(path), {}};
    trace::LoadedHostState loaded = trace::load_host_state(saved.path);
    if (!loaded.error.empty()) {
        std::cerr << "wsrsim replay: " << loaded.error << '\n';
        return std::nullopt;
    }
    // A well-formed file may still describe no possible host (overlapping blocks).
    if (loaded.snapshot && Host().restore(*loaded.snapshot) != Error::ok) {
        std::cerr << "wsrsim replay: " << path
                  << ": not a host the model can restore (a bad dynamic range or block, or overlapping blocks)\n";
        return std::nullopt;
    }
    saved.snapshot = std::move(loaded.snapshot);
    return saved;
}

// `--backend linux`: each request served by the model and by real sockets in
// lockstep. The model's outcomes drive the replay; the Linux backend's differences
// are collected, each attributed to its trace line as the replay records events.
class LinuxLockstep final : public trace::EventSink {
public:
    LinuxLockstep(trace::ModelHost& model, trace::EventSink* events) : model_(model), events_(events) {}

    trace::BackendFactory factory() {
        return [this](const HostConfig& config) -> Backend& {
            Backend& reference = model_.start(config);
            linux_.emplace(config);
            return both_.emplace(reference, *linux_);
        };
    }

    void record(const trace::ReplayEvent& event) override {
        if (events_) events_->record(event);
        if (both_) both_->attribute_to_line(event.line);
    }

    // Differences of code in detail; ports and places (ephemeral ports, wildcard
    // blocks) legitimately differ between hosts, so those are only counted.
    void print(std::ostream& out) const {
        if (!both_) return;
        out << "\ndivergence from the Linux backend: " << both_->divergent() << " of " << both_->requests()
            << " requests differ, " << both_->divergent_codes() << " of them in the code\n";
        std::size_t shown = 0;
        for (const Divergence& divergence : both_->divergences()) {
            if (!divergence.codes_differ()) continue;
            if (++shown > max_shown) {
                out << "  ... (" << both_->divergent_codes() - max_shown << " more)\n";
                break;
            }
            out << "  line " << divergence.line << ": model " << trace::describe(divergence.reference)
                << ", linux " << trace::describe(divergence.subject) << '\n';
        }
    }

private:
    static constexpr std::size_t max_shown = 50;
    trace::ModelHost& model_;
    trace::EventSink* events_;
    std::optional<LinuxBackend> linux_;
    std::optional<Lockstep> both_;  // refers to linux_: declared after it
};

struct Tally {
    std::uint64_t clean = 0;
    std::uint64_t unmet = 0;
    std::uint64_t stopped = 0;

    void add(int exit_code) {
        if (exit_code == 0) ++clean;
        else if (exit_code == 1) ++unmet;
        else ++stopped;
    }
};

}  // namespace

int replay_command(int argc, char** argv) {
    const Arguments args = Arguments::parse(
        argc, argv, 2,
        {{"json"}, {"events", true}, {"progress"}, {"no-progress"}, {"seed", true}, {"policy", true},
         {"host", true}, {"state", true}, {"backend", true}, {"limits", true}});
    if (!args.error().empty()) return usage_error("replay", args.error());
    if (args.has("help")) {
        std::cout << usage;
        return 0;
    }
    if (args.positional().empty()) return usage_error("replay", "no trace given");

    trace::ReplayOptions options;
    if (const auto seed = args.value("seed")) {
        options.seed = parse_count(*seed);
        if (!options.seed) return usage_error("replay", "--seed needs a number, not '" + std::string(*seed) + "'");
    }
    if (const auto policy = args.value("policy"))
        if (const auto problem = trace::read_policy_settings(*policy, options.policies))
            return usage_error("replay", *problem);

    bool on_linux = false;
    if (const auto backend = args.value("backend")) {
        if (*backend != "linux" && *backend != "model")
            return usage_error("replay", "--backend is model or linux, not '" + std::string(*backend) + "'");
        on_linux = *backend == "linux";
        if (on_linux && (args.value("host") || args.value("state")))
            return usage_error("replay", "--backend linux starts from an empty host: drop --host and --state");
        if (on_linux) raise_descriptor_limit();
    }

    if (const auto limits = args.value("limits"))
        if (const auto problem = read_limits(*limits, options)) return usage_error("replay", *problem);

    std::optional<HostImport> import;
    if (const auto host = args.value("host")) {
        import = load_import(*host);
        if (!import) return 2;
    }

    std::optional<SavedHost> saved;
    if (const auto path = args.value("state")) {
        saved = load_saved_host(*path);
        if (!saved) return 2;
    }

    std::ofstream events_file;
    std::optional<trace::EventsCsv> events;
    if (const auto path = args.value("events")) {
        events_file.open(std::string(*path), std::ios::binary);
        if (!events_file) {
            std::cerr << "wsrsim replay: cannot write " << *path << ": " << std::strerror(errno) << '\n';
            return 2;
        }
        events.emplace(events_file);
        options.events = &*events;
    }

    const bool json_output = args.has("json");
    const bool progress = args.has("progress") || (!args.has("no-progress") && isatty(STDERR_FILENO));
    std::string json_text;
    JsonWriter json(json_text);
    if (json_output) {
        json.begin_object().key("host");
        if (import) write_import(json, *import);
        else json.null();
        json.key("traces").begin_array();
    } else if (import) {
        print_import(std::cout, *import);
    }

    int exit_code = 0;
    Tally tally;
    for (const std::string_view path : args.positional()) {
        std::ifstream file;
        std::istream* in = &std::cin;
        options.file = path == "-" ? "<stdin>" : std::string(path);
        if (path != "-") {
            if (!open_input(file, path, "replay")) {
                exit_code = 2;
                tally.add(2);
                continue;
            }
            in = &file;
        }
        std::optional<ProgressBar> bar;
        if (progress) bar.emplace(options.file, path == "-" ? std::nullopt : size_of(path));
        options.progress = bar ? &*bar : nullptr;
        if (events) events->start_trace(options.file);

        trace::ModelHost model(import ? trace::ModelHost::Preparation([&](Backend& backend) {
            trace::recreate_host(backend, import->tables);
        })
                                      : trace::ModelHost::Preparation{});
        if (saved && saved->snapshot) model.start_from(*saved->snapshot);
        std::optional<LinuxLockstep> lockstep;
        trace::ReplayOptions run_options = options;
        if (on_linux) run_options.events = &lockstep.emplace(model, options.events);
        const trace::ReplaySummary summary =
            trace::replay(*in, lockstep ? lockstep->factory() : model.factory(), run_options);
        bar.reset();
        if (summary.error) std::cerr << trace::describe(*summary.error) << '\n';
        if (summary.read_failed) std::cerr << "wsrsim replay: reading " << options.file << " failed\n";

        const TraceReport report{summary, model.host()};
        if (json_output) write_summary(json, report);
        else print_summary(std::cout, report);
        if (lockstep) lockstep->print(json_output ? std::cerr : std::cout);
        if (saved && model.host()) saved->snapshot = model.host()->lasting_state();
        exit_code = std::max(exit_code, summary.exit_code());
        tally.add(summary.exit_code());
    }

    if (saved && saved->snapshot)
        if (const auto problem = trace::save_host_state(saved->path, *saved->snapshot)) {
            std::cerr << "wsrsim replay: " << *problem << '\n';
            exit_code = 2;
        }
    if (events && !events_file.flush()) {
        std::cerr << "wsrsim replay: writing the events failed\n";
        exit_code = 2;
    }
    if (json_output) {
        json.end_array().key("exit_code").value(std::uint64_t(exit_code)).end_object();
        std::cout << json_text;
    } else if (args.positional().size() > 1) {
        std::cout << args.positional().size() << " traces: " << tally.clean << " met every expectation, "
                  << tally.unmet << " with unmet expectations, " << tally.stopped << " stopped by errors\n";
    }
    return exit_code;
}

}  // namespace wsrsim::cli
