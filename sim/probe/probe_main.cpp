// wsrsim-probe.exe TRACE [--events FILE.csv]: replays a version-1 trace on the
// Windows machine it runs on and writes every request's outcome in the CSV form of
// `wsrsim replay --events`, to compare with the model's (`wsrsim compare`).
// Each trace process is a copy of the probe run as `wsrsim-probe.exe --serve`
// (child_process.hpp), a mode for the probe's own use.
#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "winsock_backend.hpp"
#include "wsrsim/events_csv.hpp"

int main(int argc, char** argv) {
    using namespace wsrsim;
    if (argc == 2 && std::string(argv[1]) == "--serve") return probe::serve_parent();
    if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--events")) {
        std::cerr << "usage: wsrsim-probe.exe TRACE [--events FILE.csv]   (the CSV goes to standard output by default)\n";
        return 2;
    }
    std::ifstream trace_file(argv[1], std::ios::binary);
    if (!trace_file) {
        std::cerr << "wsrsim-probe: cannot read " << argv[1] << '\n';
        return 2;
    }
    std::ofstream events_file;
    if (argc == 4) {
        events_file.open(argv[3], std::ios::binary);
        if (!events_file) {
            std::cerr << "wsrsim-probe: cannot write " << argv[3] << '\n';
            return 2;
        }
    } else {
        _setmode(_fileno(stdout), _O_BINARY);  // LF line ends, as the model's logs have
    }
    std::ostream& out = argc == 4 ? static_cast<std::ostream&>(events_file) : std::cout;

    std::optional<probe::WinsockBackend> backend;
    const trace::BackendFactory start = [&](const HostConfig&) -> Backend& {
        backend.emplace();
        for (const std::string_view name : backend->missing_functions())
            std::cerr << "wsrsim-probe: iphlpapi.dll has no " << name << ": its requests answer "
                      << static_cast<unsigned>(probe::procedure_missing) << " (ERROR_PROC_NOT_FOUND)\n";
        return *backend;
    };
    trace::EventsCsv events(out);
    events.start_trace(argv[1]);
    const trace::ReplaySummary summary =
        trace::replay(trace_file, start, trace::ReplayOptions{.file = argv[1], .events = &events});
    out.flush();
    if (summary.error) std::cerr << "wsrsim-probe: " << trace::describe(*summary.error) << '\n';
    std::cerr << "wsrsim-probe: " << summary.requests << " requests; " << summary.expectations_unmet << " of "
              << summary.expectations_checked << " expectations (the model's) differ on this machine\n";
    return summary.exit_code();
}
