#include <fstream>
#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "input_file.hpp"
#include "wsrsim/explain.hpp"
#include "wsrsim/netsh_import.hpp"

namespace wsrsim::cli {
namespace {

constexpr std::string_view usage = R"(usage: wsrsim explain [OPTIONS] REQUEST

Says what a request would give on a host and why: the Windows code, and the
reservations (range, kind, owner) that decide it.

REQUEST is one of
  bind tcp|udp PORT                     bind PORT on a new socket
  acquire tcp|udp START COUNT           SIO_ACQUIRE_PORT_RESERVATION (START 0: wildcard)
  persist-create tcp|udp START COUNT    CreatePersistent*PortReservation, or
                                        netsh int ipv4 add excludedportrange

options:
  --host TABLE.txt   the host that pasted `netsh int ipv4 show excludedportrange`
                     / `show dynamicport` output describes (default: a fresh host)
  --as-admin         ask as an elevated process (the default for persist-create)
  --as-user          ask as a process that is not elevated (the default otherwise)

example: wsrsim explain --host table.txt bind tcp 1258
)";

constexpr std::size_t text_width = 78;

// Prints `text` as a paragraph indented two spaces, broken between words.
void print_paragraph(std::ostream& out, std::string_view text) {
    std::size_t column = 0;
    while (!text.empty()) {
        const std::size_t end = text.find(' ');
        const std::string_view word = text.substr(0, end);
        if (column > 0 && column + 1 + word.size() > text_width) {
            out << '\n';
            column = 0;
        }
        out << (column == 0 ? "  " : " ") << word;
        column += (column == 0 ? 2 : 1) + word.size();
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    out << '\n';
}

std::optional<Port> port_argument(std::string_view text) {
    const auto number = parse_count(text);
    if (!number || *number > highest_port) return std::nullopt;
    return static_cast<Port>(*number);
}

}  // namespace

int explain_command(int argc, char** argv) {
    const Arguments args = Arguments::parse(argc, argv, 2, {{"host", true}, {"as-admin"}, {"as-user"}});
    if (!args.error().empty()) return usage_error("explain", args.error());
    if (args.has("help")) {
        std::cout << usage;
        return 0;
    }
    const auto& words = args.positional();
    if (words.empty()) return usage_error("explain", "no request given");
    const auto question = trace::parse_question(words[0]);
    if (!question) return usage_error("explain", "unknown request '" + std::string(words[0]) + "'");
    const std::size_t needed = *question == trace::Question::bind ? 3 : 4;
    if (words.size() != needed)
        return usage_error("explain", std::string(words[0]) + " takes " + (needed == 3 ? "tcp|udp PORT" : "tcp|udp START COUNT"));

    trace::ExplainRequest request{.question = *question};
    const auto transport = parse_transport(words[1]);
    if (!transport) return usage_error("explain", "expected tcp or udp, not '" + std::string(words[1]) + "'");
    request.transport = *transport;
    const auto start = port_argument(words[2]);
    const auto count = needed == 4 ? port_argument(words[3]) : std::optional<Port>{1};
    if (!start || !count) return usage_error("explain", "ports and counts are numbers from 0 to 65535");
    request.start = *start;
    request.count = *count;
    request.elevated = args.has("as-admin") || (*question == trace::Question::persist_create && !args.has("as-user"));

    Host host;
    if (const auto table = args.value("host")) {
        std::ifstream file;
        if (!open_input(file, *table, "explain")) return 2;
        const trace::ImportedTables tables = trace::read_netsh_tables(file);
        if (tables.read_failed) {
            std::cerr << "wsrsim explain: reading " << *table << " failed\n";
            return 2;
        }
        ModelBackend backend(host);
        trace::recreate_host(backend, tables);
        std::cout << "host from " << *table << ": " << tables.rows.size() << " rows";
        if (!tables.skipped.empty()) std::cout << " (" << tables.skipped.size() << " lines skipped; `wsrsim replay --host` lists them)";
        std::cout << "\n\n";
    }

    const trace::Explanation explanation = trace::explain(host, request);
    const Error error = explanation.outcome.error;
    std::cout << explanation.request << " (" << (request.elevated ? "elevated" : "not elevated") << "): "
              << error_name(error) << " (" << static_cast<std::uint32_t>(error) << ")\n";
    if (explanation.outcome.block.count)
        std::cout << "  block " << explanation.outcome.block.start << '-' << explanation.outcome.block.last() << '\n';
    if (explanation.outcome.port) std::cout << "  port " << explanation.outcome.port << '\n';
    if (error != Error::ok) print_paragraph(std::cout, system_message(error));

    std::cout << "\ndecided by\n";
    if (request.start == 0 && request.question != trace::Question::persist_create) {
        const DynamicRange range = host.dynamic_range(request.transport);
        std::cout << "  the free ports of the dynamic range " << range.start << '-' << range.last() << '\n';
    } else if (explanation.deciding.empty()) {
        std::cout << "  no reservation overlaps it\n";
    }
    for (const trace::DecidingReservation& deciding : explanation.deciding)
        std::cout << "  " << trace::describe(deciding) << '\n';
    std::cout << "\nwhy\n";
    print_paragraph(std::cout, explanation.why);
    if (!explanation.advice.empty()) {
        std::cout << "\nwhat you can do\n";
        print_paragraph(std::cout, explanation.advice);
    }
    return 0;
}

}  // namespace wsrsim::cli
