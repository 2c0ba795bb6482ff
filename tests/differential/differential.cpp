#include "differential.hpp"

#include <map>
#include <sstream>

#include "overloaded.hpp"
#include "request_generator.hpp"
#include "wsrsim/netsh.hpp"

namespace wsrsim::differential {
namespace {

std::string hex(std::uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

std::string mode_suffix(IoMode mode) { return mode == IoMode::overlapped ? " async" : ""; }

std::string block_text(PortBlock block) {
    return std::to_string(block.start) + " " + std::to_string(block.count);
}

std::string describe(const PortSpaceCounts& counts) {
    return "reservations=" + std::to_string(counts.reservations) +
           " reserved_ports=" + std::to_string(counts.reserved_ports) +
           " bound_sockets=" + std::to_string(counts.bound_sockets);
}

std::string kind_name(ReservationKind kind) {
    switch (kind) {
    case ReservationKind::runtime: return "runtime";
    case ReservationKind::persistent: return "persistent";
    case ReservationKind::active: return "active";
    }
    return "?";
}

std::string describe(const std::vector<ReservationView>& views) {
    std::string text;
    for (const ReservationView& r : views) {
        text += "  " + block_text(r.block) + " " + kind_name(r.kind) + " token=" + hex(r.token) +
                " owner=" + std::to_string(r.owner) + " socket=" + hex(r.acquired_on) + "\n";
    }
    return text;
}

std::string describe(DynamicRange range) {
    return std::to_string(range.start) + " " + std::to_string(range.count);
}

// Values a run hands out (socket handles, tokens, request ids) mapped from the
// run a list of steps was recorded in to the run replaying it.
class Renamer {
public:
    void learn(const Outcome& recorded, const Outcome& replayed) {
        remember(sockets_, recorded.socket, replayed.socket);
        remember(tokens_, recorded.token, replayed.token);
        remember(requests_, recorded.request, replayed.request);
    }

    Request rename(Request request) const {
        std::visit(Overloaded{
                       [this](req::CloseSocket& r) { translate(sockets_, r.socket); },
                       [this](req::Bind& r) { translate(sockets_, r.socket); },
                       [this](req::GetSockName& r) { translate(sockets_, r.socket); },
                       [this](req::Acquire& r) { translate(sockets_, r.socket); },
                       [this](req::Associate& r) {
                           translate(sockets_, r.socket);
                           translate(tokens_, r.token);
                       },
                       [this](req::Release& r) {
                           translate(sockets_, r.socket);
                           translate(tokens_, r.token);
                       },
                       [this](req::Wait& r) { translate(requests_, r.request); },
                       [](auto&) {},
                   },
                   request);
        return request;
    }

private:
    static void remember(std::map<std::uint64_t, std::uint64_t>& names, std::uint64_t recorded,
                         std::uint64_t replayed) {
        if (recorded != 0) names[recorded] = replayed;
    }
    static void translate(const std::map<std::uint64_t, std::uint64_t>& names,
                          std::uint64_t& value) {
        if (const auto it = names.find(value); it != names.end()) value = it->second;
    }

    std::map<std::uint64_t, std::uint64_t> sockets_;
    std::map<std::uint64_t, std::uint64_t> tokens_;
    std::map<std::uint64_t, std::uint64_t> requests_;
};

std::vector<Step> without(const std::vector<Step>& steps, std::size_t begin, std::size_t count) {
    std::vector<Step> rest;
    for (std::size_t i = 0; i < steps.size(); ++i)
        if (i < begin || i >= begin + count) rest.push_back(steps[i]);
    return rest;
}

}  // namespace

SideBySide::Result SideBySide::serve(const Request& request) {
    const Outcome fast = wsrsim::apply(fast_, request);
    const Outcome expected = reference_.apply(request);
    std::string differences;
    const auto differ = [&differences](const std::string& what, const std::string& fast_text,
                                       const std::string& reference_text) {
        differences += what + ": fast " + fast_text + ", reference " + reference_text + "\n";
    };
    if (fast != expected) differ("outcome", describe(fast), describe(expected));
    for (Transport transport : all_transports) {
        const std::string name{transport_name(transport)};
        const std::string fast_table = netsh::show_excluded_port_range(fast_, transport);
        const std::string reference_table = reference_.excluded_port_range_text(transport);
        if (fast_table != reference_table)
            differ("netsh " + name + " table", "\n" + fast_table, "\n" + reference_table);
        if (fast_.counts(transport) != reference_.counts(transport))
            differ(name + " counts", describe(fast_.counts(transport)),
                   describe(reference_.counts(transport)));
        if (fast_.reservations(transport) != reference_.reservations(transport))
            differ(name + " reservations", "\n" + describe(fast_.reservations(transport)),
                   "\n" + describe(reference_.reservations(transport)));
        if (fast_.dynamic_range(transport) != reference_.dynamic_range(transport))
            differ(name + " dynamic range", describe(fast_.dynamic_range(transport)),
                   describe(reference_.dynamic_range(transport)));
    }
    if (fast_.now() != reference_.now())
        differ("clock", std::to_string(fast_.now()), std::to_string(reference_.now()));
    return Result{expected, differences};
}

Run replay(const std::vector<Step>& steps, const ModelConfigs& configs) {
    Run run;
    SideBySide models(configs);
    Renamer renamer;
    for (const Step& recorded : steps) {
        const Request request = renamer.rename(recorded.request);
        SideBySide::Result result = models.serve(request);
        run.steps.push_back(Step{request, result.outcome});
        if (!result.differences.empty()) {
            run.mismatch = Mismatch{run.steps.size() - 1, std::move(result.differences)};
            break;
        }
        renamer.learn(recorded.outcome, result.outcome);
    }
    return run;
}

Run run_generated(std::uint64_t seed, std::size_t length) {
    Run run;
    run.steps.reserve(length);
    SideBySide models(same_configs(seed));
    RequestGenerator generator(seed);
    for (std::size_t i = 0; i < length; ++i) {
        const Request request = generator.next(models.reference());
        SideBySide::Result result = models.serve(request);
        run.steps.push_back(Step{request, result.outcome});
        if (!result.differences.empty()) {
            run.mismatch = Mismatch{i, std::move(result.differences)};
            break;
        }
        generator.observe(result.outcome);
    }
    return run;
}

// Zeller's ddmin, removing complements only: leave out one of `chunks` slices if
// the rest still fails; cut finer when none can go.
Run shrink(const Run& failing, const ModelConfigs& configs) {
    Run smallest = failing;
    std::size_t chunks = 2;
    while (smallest.steps.size() >= 2) {
        const std::size_t chunk = (smallest.steps.size() + chunks - 1) / chunks;
        bool reduced = false;
        for (std::size_t begin = 0; begin < smallest.steps.size(); begin += chunk) {
            Run attempt = replay(without(smallest.steps, begin, chunk), configs);
            if (attempt.mismatch) {
                smallest = std::move(attempt);
                reduced = true;
                break;
            }
        }
        if (reduced) {
            chunks = std::max<std::size_t>(chunks - 1, 2);
        } else {
            if (chunks >= smallest.steps.size()) break;
            chunks = std::min(chunks * 2, smallest.steps.size());
        }
    }
    return smallest;
}

std::string describe(const Request& request) {
    return std::visit(
        Overloaded{
            [](const req::SetDynamicRange& r) {
                return "dynamic " + std::string(transport_name(r.transport)) + " " +
                       std::to_string(r.start) + " " + std::to_string(r.count);
            },
            [](const req::SetPolicies& r) {
                return "policy wildcard=" + std::string(placement_name(r.policies.wildcard)) +
                       " ephemeral=" + std::string(ephemeral_name(r.policies.ephemeral)) +
                       " latency=" + std::to_string(r.policies.latency);
            },
            [](const req::CreateProcess& r) {
                return "process " + std::to_string(r.pid) + (r.elevated ? " elevated" : "") +
                       " name=" + std::string(r.name);
            },
            [](const req::ExitProcess& r) { return "exit " + std::to_string(r.pid); },
            [](const req::OpenSocket& r) {
                return "socket " + std::to_string(r.pid) + " " +
                       std::string(socket_kind_name(r.kind)) +
                       (r.options.family == Family::v6 ? " v6" : "") +
                       (r.options.overlapped ? "" : " nonoverlapped");
            },
            [](const req::CloseSocket& r) { return "close " + hex(r.socket); },
            [](const req::Bind& r) {
                return "bind " + hex(r.socket) + " " + std::to_string(r.port);
            },
            [](const req::GetSockName& r) { return "getsockname " + hex(r.socket); },
            [](const req::Acquire& r) {
                return "acquire " + hex(r.socket) + " " + block_text(r.block) + mode_suffix(r.mode);
            },
            [](const req::Associate& r) {
                return "associate " + hex(r.socket) + " " + hex(r.token) + mode_suffix(r.mode);
            },
            [](const req::Release& r) {
                return "release " + hex(r.socket) + " " + hex(r.token) + mode_suffix(r.mode);
            },
            [](const req::AdvanceClock& r) { return "advance-to " + std::to_string(r.time); },
            [](const req::Wait& r) { return "wait request " + std::to_string(r.request); },
            [](const req::PersistCreate& r) {
                return "persist-create " + std::to_string(r.caller) + " " +
                       std::string(transport_name(r.transport)) + " " + block_text(r.block) +
                       " store=" + kind_name(r.store);
            },
            [](const req::PersistDelete& r) {
                return "persist-delete " + std::to_string(r.caller) + " " +
                       std::string(transport_name(r.transport)) + " " + block_text(r.block);
            },
            [](const req::PersistLookup& r) {
                return "persist-lookup " + std::to_string(r.caller) + " " +
                       std::string(transport_name(r.transport)) + " " + block_text(r.block);
            },
            [](const req::Reboot&) { return std::string("reboot"); },
        },
        request);
}

std::string describe(const Outcome& outcome) {
    std::string text{error_name(outcome.error)};
    if (outcome.block != PortBlock{}) text += " block=" + block_text(outcome.block);
    if (outcome.token != invalid_token) text += " token=" + hex(outcome.token);
    if (outcome.port != 0) text += " port=" + std::to_string(outcome.port);
    if (outcome.socket != no_socket) text += " socket=" + hex(outcome.socket);
    if (outcome.request != 0) text += " request=" + std::to_string(outcome.request);
    return text;
}

std::string failure_report(const ModelConfigs& configs, const Run& failing) {
    const Run minimal = shrink(failing, configs);
    std::ostringstream out;
    out << "seed " << configs.fast.seed;
    if (configs.reference.seed != configs.fast.seed)
        out << " (reference seed " << configs.reference.seed << ")";
    out << ": the models disagree after request " << failing.steps.size()
        << " (the shortest failing prefix: run_generated(seed, " << failing.steps.size()
        << ") replays it); delta debugging leaves " << minimal.steps.size() << ":\n";
    for (std::size_t i = 0; i < minimal.steps.size(); ++i) {
        const Step& step = minimal.steps[i];
        out << "  " << i + 1 << ". " << describe(step.request) << "  => " << describe(step.outcome)
            << "\n";
    }
    out << "then:\n" << minimal.mismatch->differences;
    return out.str();
}

}  // namespace wsrsim::differential
