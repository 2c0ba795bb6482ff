#include "wsrsim/explain.hpp"

#include <algorithm>

namespace wsrsim::trace {
namespace {

std::string range_text(std::uint32_t first, std::uint32_t last) {
    return std::to_string(first) + '-' + std::to_string(last);
}

std::string block_text(PortBlock block) { return range_text(block.start, block.last()); }

std::string dynamic_text(const Host& host, Transport transport) {
    const DynamicRange range = host.dynamic_range(transport);
    return range_text(range.start, range.last());
}

// The longest run of unreserved ports in the dynamic range (sockets bound outside
// reservations are not counted: an explained host has none).
std::uint32_t longest_unreserved_run(const Host& host, Transport transport) {
    const DynamicRange range = host.dynamic_range(transport);
    std::uint32_t longest = 0;
    std::uint32_t free_from = range.start;
    for (const ReservationView& r : host.reservations(transport)) {
        const std::uint32_t first = std::max<std::uint32_t>(r.block.start, range.start);
        if (first > range.last()) break;
        if (r.block.last() < range.start) continue;
        if (first > free_from) longest = std::max(longest, first - free_from);
        free_from = std::max(free_from, r.block.last() + 1);
    }
    if (free_from <= range.last()) longest = std::max(longest, range.last() + 1 - free_from);
    return longest;
}

Pid free_pid(const Host& host) {
    Pid pid = 1000;
    while (host.process(pid)) ++pid;
    return pid;
}

std::string command_of(std::string_view transport, Port port) {
    return "netsh int ipv4 add excludedportrange protocol=" + std::string(transport) +
           " startport=" + std::to_string(port) + " numberofports=1";
}

void explain_bind(const Host& host, const ExplainRequest& request, Explanation& out) {
    const std::string port = std::to_string(request.start);
    const std::string transport(transport_name(request.transport));
    const ReservationView* covering = out.deciding.empty() ? nullptr : &out.deciding.front().reservation;
    switch (out.outcome.error) {
    case Error::ok:
        if (request.start == 0)
            out.why = "bind 0 takes a port of the dynamic range " + dynamic_text(host, request.transport) +
                      " that is neither reserved nor bound, chosen by the " +
                      std::string(ephemeral_name(host.policies().ephemeral)) + " policy: " +
                      std::to_string(out.outcome.port) + " (SPEC §5, §7).";
        else if (covering)
            out.why = "Port " + port + " lies in the administered exclusion " + block_text(covering->block) +
                      " (*). Administered exclusions keep ephemeral ports and other reservations out, "
                      "but an explicit bind of a free port in them succeeds (SPEC §5).";
        else
            out.why = "No reservation covers port " + port + " and no socket is bound to it (SPEC §5).";
        return;
    case Error::wsaeacces: {
        const std::string block = covering ? block_text(covering->block) : "a block";
        const bool in_dynamic_range = covering && host.dynamic_range(request.transport).contains(covering->block.start);
        out.why = "Port " + port + " lies in " + block + ", a runtime reservation held by another process. "
                  "Only the process that acquired a runtime reservation may bind inside it; any other gets "
                  "WSAEACCES (SPEC §5). Hyper-V, WSL and Docker take such blocks from the dynamic range at "
                  "boot (through WinNAT)" +
                  (in_dynamic_range ? "; this one lies in the dynamic range " + dynamic_text(host, request.transport) + "."
                                    : "; this one lies outside the dynamic range " + dynamic_text(host, request.transport) +
                                          ", which may have been moved since (the output of `netsh int ipv4 show "
                                          "dynamicport " + transport + "` tells).");
        out.advice = "Make port " + port + " an administered exclusion while the block is not held, so "
                     "the block goes elsewhere at the next start; as administrator: `net stop winnat`, `" +
                     command_of(transport, request.start) +
                     "`, `net start winnat`. An administered exclusion does not stop an explicit bind "
                     "(SPEC §5). Or move the dynamic range away from the port: `netsh int ipv4 set "
                     "dynamicport " + transport + " start=49152 num=16384`.";
        return;
    }
    case Error::wsaeaddrinuse:
        out.why = "Another socket is bound to port " + port + " (SPEC §5).";
        return;
    case Error::wsaenobufs:
        out.why = "No port of the dynamic range " + dynamic_text(host, request.transport) +
                  " is free for bind 0 (SPEC §5).";
        return;
    default:
        out.why = std::string(system_message(out.outcome.error));
        return;
    }
}

void explain_acquire(const Host& host, const ExplainRequest& request, Explanation& out) {
    const PortBlock asked{request.start, request.count};
    const bool wildcard = request.start == 0;
    switch (out.outcome.error) {
    case Error::ok:
        if (wildcard)
            out.why = "The wildcard block went to " + block_text(out.outcome.block) +
                      " inside the dynamic range " + dynamic_text(host, request.transport) + ", placed by the " +
                      std::string(placement_name(host.policies().wildcard)) + " policy (SPEC §2, §7).";
        else
            out.why = "The block " + block_text(asked) + " was free: no reservation overlaps it and no "
                      "socket is bound in it (SPEC §2 row 10). It is now a runtime reservation of the "
                      "asking process.";
        return;
    case Error::wsaeaddrinuse:
        out.why = "The block " + block_text(asked) + " overlaps the reservations above; a specific block "
                  "must be wholly free of reservations and bound ports (SPEC §2 row 7).";
        out.advice = "Pick a block outside them; clients that get WSAEADDRINUSE usually try the next block.";
        return;
    case Error::wsaeinval:
        if (request.count == 0 || asked.last() > highest_port)
            out.why = "The block is empty or runs past 65535 (SPEC §2 row 6).";
        else
            out.why = "A wildcard block of " + std::to_string(request.count) +
                      " ports is larger than the whole dynamic range " + dynamic_text(host, request.transport) +
                      " (SPEC §2 row 8).";
        return;
    case Error::wsaenobufs:
        out.why = "No run of " + std::to_string(request.count) + " free ports is left in the dynamic range " +
                  dynamic_text(host, request.transport) + "; the longest unreserved run is " +
                  std::to_string(longest_unreserved_run(host, request.transport)) + " ports (SPEC §2 row 9).";
        out.advice = "Release reservations, or widen the dynamic range (`netsh int ipv4 set dynamicport " +
                     std::string(transport_name(request.transport)) + " start=... num=...`).";
        return;
    default:
        out.why = std::string(system_message(out.outcome.error));
        return;
    }
}

void explain_persist_create(const ExplainRequest& request, Explanation& out) {
    const PortBlock asked{request.start, request.count};
    switch (out.outcome.error) {
    case Error::ok:
        out.why = "The block " + block_text(asked) + " was free; it is now an administered exclusion (*) "
                  "that survives reboot (SPEC §8).";
        return;
    case Error::access_denied:
        out.why = "Creating a persistent reservation needs an elevated process (SPEC §8).";
        out.advice = "Run it as administrator.";
        return;
    case Error::invalid_parameter:
        out.why = "The start or the count is 0, or the block runs past 65535 (SPEC §8).";
        return;
    case Error::sharing_violation:
        out.why = "The block " + block_text(asked) + " overlaps the reservations above (SPEC §8).";
        out.advice = "A runtime block (no *) goes when its owner releases it or exits; for Hyper-V and "
                     "WinNAT run `net stop winnat`, add the exclusion, then `net start winnat`. An "
                     "administered block (*) goes with `netsh int ipv4 delete excludedportrange ...`.";
        return;
    default:
        out.why = std::string(system_message(out.outcome.error));
        return;
    }
}

}  // namespace

std::optional<Question> parse_question(std::string_view word) {
    if (word == "bind") return Question::bind;
    if (word == "acquire") return Question::acquire;
    if (word == "persist-create") return Question::persist_create;
    return std::nullopt;
}

std::string describe(const DecidingReservation& deciding) {
    const ReservationView& r = deciding.reservation;
    std::string text = block_text(r.block) + ' ' + std::string(transport_name(r.transport)) + ", ";
    switch (r.kind) {
    case ReservationKind::runtime:
        text += "runtime reservation of pid " + std::to_string(r.owner);
        if (!deciding.owner_name.empty()) text += " (" + deciding.owner_name + ")";
        break;
    case ReservationKind::persistent: text += "administered exclusion (*), persistent"; break;
    case ReservationKind::active: text += "administered exclusion (*), store=active"; break;
    }
    return text;
}

Explanation explain(Host& host, const ExplainRequest& request) {
    Explanation out;
    const bool is_bind = request.question == Question::bind;
    const PortBlock asked{request.start, is_bind ? Port{1} : request.count};
    const std::string_view verb = is_bind ? "bind" : request.question == Question::acquire ? "acquire" : "persist-create";
    out.request = std::string(verb) + ' ' + std::string(transport_name(request.transport)) + ' ' +
                  std::to_string(request.start) + (is_bind ? "" : ' ' + std::to_string(request.count));

    // What overlaps the asked block decides it; looked up before the request changes the host.
    if (asked.is_valid()) {
        for (const ReservationView& r : host.reservations(request.transport)) {
            if (!r.block.overlaps(asked)) continue;
            const auto owner = r.kind == ReservationKind::runtime ? host.process(r.owner) : std::nullopt;
            out.deciding.push_back(DecidingReservation{r, owner ? owner->name : std::string{}});
        }
    }

    const Pid pid = free_pid(host);
    host.create_process(pid, request.elevated, "explain");
    const SocketKind kind = request.transport == Transport::tcp ? SocketKind::tcp : SocketKind::udp;
    switch (request.question) {
    case Question::bind:
        out.outcome = host.bind(host.open_socket(pid, kind).socket, request.start);
        explain_bind(host, request, out);
        break;
    case Question::acquire:
        out.outcome = host.acquire(host.open_socket(pid, kind).socket, asked);
        explain_acquire(host, request, out);
        break;
    case Question::persist_create:
        out.outcome = host.create_persistent(pid, request.transport, asked);
        explain_persist_create(request, out);
        break;
    }
    return out;
}

}  // namespace wsrsim::trace
