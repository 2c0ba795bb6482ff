#!/usr/bin/env python3
"""Writes bench/REPORT.md and bench/throughput.svg from one Google Benchmark
JSON run of wsrsim-bench (bench/run calls it). Standard library only.

usage: report.py RESULTS.json REPORT.md PLOT.svg
"""
import datetime
import json
import math
import re
import sys
from xml.sax.saxutils import escape

BACKENDS = ("model", "linux")
CASE_NAME = re.compile(r"^(?P<case>[^/]+)/(?P<backend>model|linux)/live:(?P<live>\d+)$")
ACQUIRE_RELEASE_RATIO = 100  # model at least 100x the Linux backend
SCALING_LIMIT = 2.0  # model cost per request within 2x from 10 to 100,000 live
BYTES_LIMIT = 128  # per live reservation
REPLAY_TARGET = 5e6  # requests per second replaying a churn trace, one core


def read_runs(path):
    """name -> benchmark entry: the median when repetitions ran, else the one run."""
    with open(path) as f:
        data = json.load(f)
    runs = {}
    for entry in data["benchmarks"]:
        name = entry.get("run_name", entry["name"])
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") != "median":
                continue
        elif name in runs and not runs[name].get("error_occurred"):
            continue  # a repetition; its median comes as an aggregate
        runs[name] = entry
    return data["context"], runs


def paired_cases(runs):
    """case -> live -> backend -> entry, in the order the binary ran them."""
    cases = {}
    for name, entry in runs.items():
        match = CASE_NAME.match(name)
        if match:
            live = int(match["live"])
            cases.setdefault(match["case"], {}).setdefault(live, {})[match["backend"]] = entry
    return cases


def throughput(entry):
    if entry is None or entry.get("error_occurred"):
        return None
    return entry.get("items_per_second")


def ns_per_op(entry):
    rate = throughput(entry)
    return None if rate is None else 1e9 / rate


def rate_text(rate):
    if rate is None:
        return "—"
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if rate >= scale:
            return f"{rate / scale:.3g}{suffix}/s"
    return f"{rate:.3g}/s"


def ns_text(ns):
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def skip_reason(entry):
    if entry is None:
        return "not run"
    return entry.get("error_message", "skipped") if entry.get("error_occurred") else None


# ---- the table --------------------------------------------------------------------

def table(cases):
    lines = [
        "| case | live reservations | model | linux | model/linux |",
        "|---|---:|---:|---:|---:|",
    ]
    notes = []
    for case, levels in cases.items():
        for live in sorted(levels):
            model, linux = (levels[live].get(b) for b in BACKENDS)
            model_rate, linux_rate = throughput(model), throughput(linux)
            ratio = f"{model_rate / linux_rate:,.1f}x" if model_rate and linux_rate else "—"
            linux_cell = rate_text(linux_rate)
            if linux_rate is None:
                reason = skip_reason(linux)
                if reason not in notes:
                    notes.append(reason)
                linux_cell = f"skipped [{notes.index(reason) + 1}]"
            lines.append(f"| `{case}` | {live:,} | {rate_text(model_rate)} | {linux_cell} | {ratio} |")
    lines.append("")
    for number, reason in enumerate(notes, 1):
        lines.append(f"[{number}] {reason}  ")
    if any("WSAENOBUFS" in reason for reason in notes):
        lines += ["", SKIPPED_FOR_DESCRIPTORS]
    return "\n".join(lines)


SKIPPED_FOR_DESCRIPTORS = """\
WSAENOBUFS while filling means the Linux backend ran out of descriptors: it holds one
placeholder socket per reserved port, so 100,000 live one-port reservations need 100,000
descriptors. The benchmark raises the soft RLIMIT_NOFILE to the hard limit (the limit in
the note); raising the hard limit needs privilege (`ulimit -Hn`, `LimitNOFILE=`), and even
then the filler ports (1024-51023, 50,000 per transport) must all be free, which a port any
other program holds in that range prevents."""


# ---- the targets ------------------------------------------------------------------

def acquire_release_target(cases):
    ratios = []
    for case, levels in cases.items():
        if "acquire_release" not in case:
            continue
        for live, pair in sorted(levels.items()):
            model_rate, linux_rate = throughput(pair.get("model")), throughput(pair.get("linux"))
            if model_rate and linux_rate:
                ratios.append((model_rate / linux_rate, case, live, pair))
    if not ratios:
        return "no acquire+release case ran on both backends", None, []
    worst = min(ratios)
    missed = [r for r in ratios if r[0] < ACQUIRE_RELEASE_RATIO]
    measured = f"lowest {worst[0]:,.1f}x (`{worst[1]}`, {worst[2]:,} live); " + ", ".join(
        f"`{case}` {ratio:,.0f}x" for ratio, case, live, _ in ratios if live == worst[2])
    return measured, not missed, missed


def scaling_target(cases):
    growth = []
    for case, levels in cases.items():
        low, high = ns_per_op(levels.get(10, {}).get("model")), ns_per_op(levels.get(100000, {}).get("model"))
        if low and high:
            growth.append((high / low, case, low, high))
    if not growth:
        return "the model did not run at both 10 and 100,000 live reservations", None, []
    worst = max(growth)
    missed = [g for g in growth if g[0] > SCALING_LIMIT]
    measured = f"largest {worst[0]:.2f}x (`{worst[1]}`: {ns_text(worst[2])} → {ns_text(worst[3])})"
    return measured, not missed, missed


def memory_target(runs):
    for name, entry in runs.items():
        if name.startswith("model_bytes_per_live_reservation") and "bytes_per_reservation" in entry:
            bytes_each = entry["bytes_per_reservation"]
            return f"{bytes_each:.1f} bytes", bytes_each <= BYTES_LIMIT, bytes_each
    return "not measured", None, None


def verdict(met):
    return {True: "**met**", False: "**missed**", None: "not measured"}[met]


def targets_section(cases, runs):
    ar_measured, ar_met, ar_missed = acquire_release_target(cases)
    sc_measured, sc_met, sc_missed = scaling_target(cases)
    mem_measured, mem_met, mem_bytes = memory_target(runs)
    out = [
        "| target | measured | verdict |",
        "|---|---|---|",
        f"| model ≥ {ACQUIRE_RELEASE_RATIO}x the Linux backend on acquire+release | {ar_measured} | {verdict(ar_met)} |",
        f"| model cost per request within {SCALING_LIMIT:g}x from 10 to 100,000 live reservations | {sc_measured} | {verdict(sc_met)} |",
        f"| ≤ {BYTES_LIMIT} bytes per live reservation (model) | {mem_measured} | {verdict(mem_met)} |",
        "",
    ]
    if ar_missed:
        out.append(f"**Acquire+release, missed.** Short of {ACQUIRE_RELEASE_RATIO}x:")
        out.append("")
        for ratio, case, live, pair in ar_missed:
            model_ns, linux_ns = ns_per_op(pair["model"]), ns_per_op(pair["linux"])
            out.append(
                f"- `{case}` at {live:,} live: {ratio:,.1f}x, short by a factor of "
                f"{ACQUIRE_RELEASE_RATIO / ratio:.1f} (model {ns_text(model_ns)} per acquire+release, "
                f"Linux {ns_text(linux_ns)}; {ACQUIRE_RELEASE_RATIO}x needs the model at "
                f"{ns_text(linux_ns / ACQUIRE_RELEASE_RATIO)}).")
        out += ["", WHY_ACQUIRE_RELEASE, ""]
    if sc_missed:
        out.append(f"**Scaling, missed.** Cost per request at 100,000 live over 10 live, above {SCALING_LIMIT:g}x:")
        out.append("")
        for growth, case, low, high in sorted(sc_missed, reverse=True):
            out.append(f"- `{case}`: {growth:.2f}x ({ns_text(low)} → {ns_text(high)}), "
                       f"over by {growth / SCALING_LIMIT:.2f}x.")
        out += ["", WHY_SCALING, ""]
    if mem_met is False:
        out += [f"**Memory, missed** by {mem_bytes - BYTES_LIMIT:.1f} bytes per reservation.", ""]
    return "\n".join(out)


WHY_ACQUIRE_RELEASE = """\
Why: the gap is widest where the Linux backend does least. A one-port block on
Linux is four system calls (socket, setsockopt SO_REUSEPORT, bind, close), a few
microseconds; a 100-port block is 400 of them, so those cases clear 100x by far.
The model's acquire+release does the same work whatever the block size: it keeps
Windows' whole state current on every request — the reservation inserted into and
erased from the ordered index by start port and the token hash, a pooled object
made and freed, and, because the measured block lies inside the dynamic range,
the free run split and merged again with updates of the 5-level longest-run
tree that wildcard placement needs. Callgrind counted about 1,640 instructions
per acquire+release pair at 10 live reservations (the longest-run updates alone
were about a third of them) when this analysis was written, before the free runs
moved from a search tree to fixed bitmaps. Until 2026-12-07 the longest-run
updates also waited at every level they climbed for a write to reach the cache
before they could read the group holding it (a narrow store cannot be forwarded
to a wide load): half of a pair's time in a sampling profile. Reading each group
before writing into it made acquire+release 12-22% faster and an ephemeral
bind+close 21-24% (alternating runs), and comparing the lengths as signed 16-bit
values, for SSE2's one-instruction maximum, another 7-10%. The rescans of those
groups, about eight a pair, each waiting for the one below, are still some 45%
of it. Reaching 100x on one-port
blocks would take the model to a few dozen nanoseconds per pair, i.e. dropping
the incremental free-run index from the hot path (for example, updating it
lazily only when a wildcard request asks), which is a change to sim/core. That
was tried on 2026-12-07 and measured 47 ns a pair at 10 live reservations (about
145x), but at 100,000 live the start-ordered tree and the token hash keep a pair
near 98 ns, so the scaling target below would read 2.06x and miss."""

WHY_SCALING = """\
Why: every index the model consults is O(log n), and nothing walks the live
reservations, but log n itself grows: at 100,000 live reservations the ordered
index by start port holds 50,000 nodes per transport (about 16 levels against 3),
and the token hash and object pools span megabytes, beyond the L2 cache, so the
walks miss the cache. Callgrind counted about 1,640 instructions per
acquire+release at 10 live and 2,420 at 100,000 (1.5x) when this analysis was
written; the rest of the growth is memory latency on those longer walks."""


# ---- replay speed ----------------------------------------------------------------------

REPLAY_STAGES = (
    ("read and parse only", "trace/parse_only/churn"),
    ("serve only (lines parsed beforehand)", "trace/serve_only/churn/model"),
    ("whole replay: read, parse, serve, check", "trace/replay/churn/model"),
)


def replay_section(runs):
    out = [
        "A 500,000-event `churn` trace (`wsrsim gen churn --seed 1`), in memory, on one core, in",
        "requests per second (`@T` clock changes count as requests, as in replay summaries).",
        "Column 0: bare requests; column 1: every request with its `=> outcome`, as `wsrsim gen`",
        "writes them and the replay checks them.",
        "",
        "| stage | 0: bare | 1: with expectations |",
        "|---|---:|---:|",
    ]
    for label, prefix in REPLAY_STAGES:
        rates = [rate_text(throughput(runs.get(f"{prefix}/{arg}"))) for arg in (0, 1)]
        out.append(f"| {label} | {rates[0]} | {rates[1]} |")
    whole = [throughput(runs.get(f"trace/replay/churn/model/{arg}")) for arg in (0, 1)]
    met = [None if rate is None else rate >= REPLAY_TARGET for rate in whole]
    out += ["", f"Target: whole replay ≥ {REPLAY_TARGET / 1e6:g}M requests/s: bare {verdict(met[0])}, "
            f"with expectations {verdict(met[1])}."]
    # Time per request goes as 1/rate, so parsing's share of a whole replay is
    # the replay's rate over the parser's.
    parse = [throughput(runs.get(f"trace/parse_only/churn/{arg}")) for arg in (0, 1)]
    shares = [None if None in (p, w) else w / p for p, w in zip(parse, whole)]
    share_texts = ["not measured" if share is None else
                   f"{share:.1%}, {1e9 / p:.0f} of {1e9 / w:.0f} ns a request ({verdict(share <= 0.5)})"
                   for p, w, share in zip(parse, whole, shares)]
    out += ["", "Target: parsing does not dominate, i.e. reading and parsing take at most half of a whole "
            f"replay's time: bare {share_texts[0]}, with expectations {share_texts[1]}.",
            "", WHY_REPLAY]
    return "\n".join(out)


WHY_REPLAY = """\
Where the time goes: callgrind counts, in this build, about 920 instructions a
bare line (parser 480, engine and model 340, reading lines and the loop around
them 100) and 1,130 a line with its expectation (parser 670, the `=> outcome`
adding 190 spread over some 40 source lines, none above 17; serving and checking
360). A sampling profile of parse-only is as flat: no source line takes 7% of it.
Those counts belong to the compiler; the rate belongs to the processor too. On the
machine named above (family 26 is AMD's Zen 5; a chain of dependent additions
times it at about 4.1 GHz) a line with its expectation takes about 490 cycles,
2.3 instructions a cycle (measured 2026-12-07). Until then this project ran on a
first-generation Zen core (family 23 model 1, about 2.4 GHz), where the same code
ran at 1.6 instructions a cycle (cachegrind's branch model counted some 15
mispredictions a line, which a random mix of requests makes) and replayed
4.0-5.2M/s bare and 3.4-4.3M/s with expectations: the targets were missed there,
and are met here by the processor, not by a change of code.
Profile-guided optimization, on top of link-time optimization, is worth about 40%
on a bare replay and 20% with expectations here, nearly all of it in the parser
(a plain release build with link-time optimization: 6.9M/s and 7.0M/s, parse-only
15.5M/s and 12.0M/s, serving the same). Its profile comes from replays only
(training also on `wsrsim gen`, which runs the model its own way, cost 5%).
A second reader for the usual line (one blank between words, no note, falling
back to the general reader for anything else) was tried on the older machine and
not kept: covering eight commands, their options and the outcome forms brought
back most of the general reader's steps (about 420 instructions a line where the
general reader takes 665), for parse-only 9-11% faster and a whole replay 0.5%
(bare) to 5% (with expectations) faster. Figures move by about 5% between runs
(five alternating runs: bare 9.5-10.0M/s, with expectations 8.2-8.6M/s), which
puts parsing's share with expectations at 48-50%, on the edge of its target: a
line's parsing and its serving take about the same time."""


# ---- other measurements -------------------------------------------------------------

def others_section(runs):
    lines = ["| benchmark | throughput | counters |", "|---|---:|---|"]
    for name, entry in runs.items():
        if CASE_NAME.match(name) or name.startswith("trace/"):
            continue
        skipped = skip_reason(entry)
        counters = ", ".join(
            f"{key} = {value:,.1f}" for key, value in entry.items()
            if key in ("bytes_per_reservation", "bytes_per_second"))
        rate = skipped or rate_text(entry.get("items_per_second"))
        lines.append(f"| `{name}` | {rate} | {counters} |")
    return "\n".join(lines)


# ---- the plot ---------------------------------------------------------------------

COLORS = {"model": "#1f77b4", "linux": "#d62728"}
PANEL_W, PANEL_H = 330, 240
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 62, 16, 34, 42
COLUMNS = 3


def plot(cases, path):
    rates = [throughput(pair.get(b)) for levels in cases.values() for pair in levels.values() for b in BACKENDS]
    rates = [r for r in rates if r]
    low_decade = math.floor(math.log10(min(rates)))
    high_decade = math.ceil(math.log10(max(rates)))
    lives = sorted({live for levels in cases.values() for live in levels})
    panels = list(cases.items())
    rows = math.ceil((len(panels) + 1) / COLUMNS)  # one cell for the legend
    width, height = COLUMNS * PANEL_W + 20, rows * PANEL_H + 30  # room for the last x label
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">'
        'Throughput (operations/s, CPU time) against live reservations</text>',
    ]

    def y_of(rate, top):
        plot_h = PANEL_H - MARGIN_T - MARGIN_B
        fraction = (math.log10(rate) - low_decade) / (high_decade - low_decade)
        return top + MARGIN_T + plot_h * (1 - fraction)

    def x_of(live, left):
        plot_w = PANEL_W - MARGIN_L - MARGIN_R
        if len(lives) == 1:
            return left + MARGIN_L + plot_w / 2
        fraction = (math.log10(live) - math.log10(lives[0])) / (math.log10(lives[-1]) - math.log10(lives[0]))
        return left + MARGIN_L + plot_w * fraction

    for index, (case, levels) in enumerate(panels):
        left, top = (index % COLUMNS) * PANEL_W, 30 + (index // COLUMNS) * PANEL_H
        x0, x1 = left + MARGIN_L, left + PANEL_W - MARGIN_R
        y0, y1 = top + MARGIN_T, top + PANEL_H - MARGIN_B
        svg.append(f'<text x="{(x0 + x1) / 2}" y="{top + 20}" text-anchor="middle" font-size="12" '
                   f'font-weight="bold">{escape(case)}</text>')
        svg.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" stroke="#888"/>')
        for decade in range(low_decade, high_decade + 1):
            y = y_of(10 ** decade, top)
            svg.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#ddd"/>')
            svg.append(f'<text x="{x0 - 5}" y="{y + 4:.1f}" text-anchor="end">{rate_text(10 ** decade)[:-2]}</text>')
        for live in lives:
            x = x_of(live, left)
            svg.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y1}" stroke="#eee"/>')
            svg.append(f'<text x="{x:.1f}" y="{y1 + 15}" text-anchor="middle">{live:,}</text>')
        svg.append(f'<text x="{(x0 + x1) / 2}" y="{y1 + 32}" text-anchor="middle" fill="#555">live reservations</text>')
        for backend in BACKENDS:
            points = [(x_of(live, left), y_of(rate, top)) for live in sorted(levels)
                      if (rate := throughput(levels[live].get(backend)))]
            if len(points) > 1:
                path_d = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                svg.append(f'<polyline points="{path_d}" fill="none" stroke="{COLORS[backend]}" stroke-width="2"/>')
            for x, y in points:
                svg.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS[backend]}"/>')
            for live in sorted(levels):
                if throughput(levels[live].get(backend)) is None:
                    x = x_of(live, left)
                    svg.append(f'<text x="{x - 4:.1f}" y="{y1 - 6}" text-anchor="end" '
                               f'fill="{COLORS[backend]}">{backend}: skipped</text>')
    legend_index = len(panels)
    left, top = (legend_index % COLUMNS) * PANEL_W + MARGIN_L, 30 + (legend_index // COLUMNS) * PANEL_H + MARGIN_T
    for row, backend in enumerate(BACKENDS):
        y = top + 20 + row * 22
        svg.append(f'<line x1="{left}" y1="{y}" x2="{left + 30}" y2="{y}" stroke="{COLORS[backend]}" stroke-width="2"/>')
        svg.append(f'<circle cx="{left + 15}" cy="{y}" r="3.5" fill="{COLORS[backend]}"/>')
        svg.append(f'<text x="{left + 38}" y="{y + 4}" font-size="12">{backend}</text>')
    svg.append(f'<text x="{left}" y="{top + 80}" fill="#555">log-log axes; "skipped": a level the</text>')
    svg.append(f'<text x="{left}" y="{top + 94}" fill="#555">backend could not reach (see REPORT.md)</text>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


# ---- the report -------------------------------------------------------------------

LINUX_BACKEND = """\
## The Linux backend

`wsrsim::LinuxBackend` (`include/wsrsim/linux_backend.hpp`) serves every request on real
kernel sockets bound to 127.0.0.1 only:

- a reservation holds one placeholder socket per port, bound with `SO_REUSEPORT`, so the
  kernel keeps the port from every socket that does not share it (other programs' binds to
  127.0.0.1 or 0.0.0.0, and the kernel's own ephemeral allocator);
- associate + bind: the caller's socket binds the port with `SO_REUSEPORT` next to the
  placeholder, so the port passes to it with no instant in which it is free. The placeholder
  then **stays for the reservation's lifetime**: closing it at bind would let the port fall
  free in the kernel as soon as the bound socket closed, while Windows keeps it reserved until
  release; and release must leave bound sockets their ports, which is exactly what closing only
  the placeholders does. The cost is one descriptor per reserved port;
- wildcard acquires search the configured dynamic range from where the policy says, and the
  kernel has the last word: a port another program holds (`EADDRINUSE`) moves the block past it;
- `bind(0)` is the kernel's own allocator, narrowed to the configured dynamic range with
  `IP_LOCAL_PORT_RANGE` where the kernel allows it;
- tokens, processes, which socket belongs to which reservation and which reservation covers a
  port are kept in std containers (two reservations' `SO_REUSEPORT` placeholders would not
  conflict in the kernel); tokens come from the model's `TokenSource` in the model's order;
- overlapped requests are decided at issue but still answer `WSA_IO_PENDING` with a request
  id, and `wait` returns the stored outcome;
- out of descriptors is `WSAENOBUFS`, with nothing left open; the benchmark raises
  `RLIMIT_NOFILE` to the hard limit first, and a level it still cannot reach is skipped.

Where Linux cannot express a Windows rule (the divergence report of
`wsrsim replay --backend linux` shows these):

1. Another program of the same user that also sets `SO_REUSEPORT` can bind a reserved port;
   Windows keeps every other process out.
2. Placeholders hold 127.0.0.1 only; another program may bind the same port on another
   address (127.0.0.2, a LAN address). Windows reserves the port on every address.
3. Ephemeral ports are the kernel's choice (not the sequential/random policy), from where
   `net.ipv4.ip_local_port_range` and the configured dynamic range overlap (the kernel's whole
   range if they do not, or before Linux 6.3).
4. Random wildcard placement starts its search at a uniformly drawn port and takes the first
   fit from there; the model draws uniformly among all fitting starts.
5. Overlapped latency is ignored: outcomes are decided at issue, so two pending requests never
   race at completion as SPEC §6 describes, and closing the socket cannot abort one (no
   `WSA_OPERATION_ABORTED`). On the golden traces these are the only code divergences
   (`overlapped_race.trace`, and one line of `every_error.trace`).
6. IPv6 sockets are IPv4 kernel sockets (Windows' IPv4 and IPv6 share one port space; the
   backend binds 127.0.0.1 only).
7. Sockets neither TCP nor UDP are Unix datagram sockets (real raw sockets need CAP_NET_RAW;
   neither has a port to reserve).
8. Persistent reservations last as long as the backend object; ports below 1024 need
   privilege on Linux, refused as `WSAEACCES`.
9. Running out of descriptors is `WSAENOBUFS` everywhere, including the persistent API and
   opening a socket, where Windows has other codes."""


def context_line(context):
    caches = ", ".join(f"L{c['level']} {c['type'].lower()} {c['size'] // 1024} KiB"
                       for c in context.get("caches", []))
    load = context.get("load_avg", [])
    load_text = ", ".join(f"{x:.2f}" for x in load) if load else "unknown"
    cpu = f"{context['cpu']}, " if "cpu" in context else ""  # bench/run adds it
    return (f"{cpu}{context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz ({caches}); "
            f"load average at the start {load_text}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    results, report_path, plot_path = sys.argv[1:]
    context, runs = read_runs(results)
    cases = paired_cases(runs)
    # A run filtered to other cases (bench/run --benchmark_filter=trace/) has nothing to plot.
    plot_name = plot_path.rsplit("/", 1)[-1]
    if cases:
        plot(cases, plot_path)
    image = (f"![throughput against live reservations]({plot_name})" if cases
             else f"No backend case ran: {plot_name} is left as it was.")
    when = context.get("date") or datetime.datetime.now().isoformat(timespec="seconds")
    report = f"""# wsrsim benchmark report

Written by `bench/run` from one run of `build-bench/bench/wsrsim-bench`, {when}. wsrsim is
built in release mode (`-O3`, `NDEBUG`) with link-time and profile-guided optimization; the
profile comes from `wsrsim replay` of churn traces with other seeds than the one measured, and
of the corpus. Google Benchmark's banner may call itself a debug build, which is Debian's
`libbenchmark` package speaking, not the code measured.
Machine: {context_line(context)}.

Every case runs the same code (`bench/backend_cases.cpp`) against the `wsrsim::Backend`
interface, once on the model and once on the Linux backend, at 10, 1,000 and 100,000 live
one-port reservations made before the measurement. Throughput is operations per second of CPU
time (one operation = one acquire+release pair, or one open+[associate+]bind+close), the median
of the repetitions; the machine is shared, so wall-clock times, which other processes inflate,
are left to the JSON (`build-bench/bench-results.json`). The ratio is model/Linux in the same run.

## Throughput

{table(cases)}

{image}

## Targets

{targets_section(cases, runs)}

## Replay speed

{replay_section(runs)}

## Other measurements

{others_section(runs)}

{LINUX_BACKEND}

## Reproducing

    bench/run                                  # everything; writes this file and {plot_name}
    bench/run --benchmark_filter=acquire       # extra arguments go to Google Benchmark
"""
    with open(report_path, "w") as f:
        f.write(report)


if __name__ == "__main__":
    main()
