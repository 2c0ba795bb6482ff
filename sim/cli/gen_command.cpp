#include <iostream>

#include "arguments.hpp"
#include "commands.hpp"
#include "wsrsim/trace_gen.hpp"

namespace wsrsim::cli {
namespace {

constexpr std::string_view usage = R"(usage: wsrsim gen KIND [--seed N] [--events N] [--no-expect]

Writes a synthetic trace to standard output; the same options write the same
trace. Each request ends with its outcome on the model as an expectation, so
replaying the trace checks that the model still behaves the same.

KIND is one of
  hyperv    a service takes 1 to 40 (mean about 11) 100-port wildcard blocks
            at each boot while other services bind ephemeral ports, then
            applications bind fixed ports (some fail with WSAEACCES)
  churn     a random mix of every request, errors included
  exhaust   100-port wildcard blocks until WSAENOBUFS

options:
  --seed N       the trace's seed (default 1)
  --events N     how many requests to write (default 1000; exhaust may stop sooner)
  --no-expect    write the requests without expectations
)";

}  // namespace

int gen_command(int argc, char** argv) {
    const Arguments args = Arguments::parse(argc, argv, 2, {{"seed", true}, {"events", true}, {"no-expect"}});
    if (!args.error().empty()) return usage_error("gen", args.error());
    if (args.has("help")) {
        std::cout << usage;
        return 0;
    }
    if (args.positional().size() != 1) return usage_error("gen", "give one KIND: hyperv, churn or exhaust");
    const auto kind = trace::parse_generated_trace(args.positional().front());
    if (!kind) return usage_error("gen", "unknown kind '" + std::string(args.positional().front()) + "'");

    trace::GenOptions options{.kind = *kind, .expectations = !args.has("no-expect")};
    for (const auto& [name, field] : {std::pair{"seed", &options.seed}, std::pair{"events", &options.events}}) {
        if (const auto text = args.value(name)) {
            const auto number = parse_count(*text);
            if (!number) return usage_error("gen", "--" + std::string(name) + " needs a number, not '" + std::string(*text) + "'");
            *field = *number;
        }
    }
    std::ios::sync_with_stdio(false);
    if (const auto error = trace::generate_trace(std::cout, options)) {
        std::cerr << "wsrsim gen: internal error, the generator wrote a line the reader refuses: "
                  << trace::describe(*error) << '\n';
        return 2;
    }
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "wsrsim gen: writing the trace failed\n";
        return 2;
    }
    return 0;
}

}  // namespace wsrsim::cli
