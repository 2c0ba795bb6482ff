#!/usr/bin/env bash
# Cross-compiles wsrsim-probe.exe into build-probe/ and, where Wine is installed,
# runs it on the Microsoft sample's trace and checks what Wine answers. Skips (and
# says so) without the toolchain; with --install, installs it first (CI does).
set -euo pipefail
cd "$(dirname "$0")/../.."

compiler=x86_64-w64-mingw32-g++-posix
if ! command -v "$compiler" >/dev/null && [ "${1:-}" = --install ]; then
  bash .ci/install g++-mingw-w64-x86-64-posix
fi
if ! command -v "$compiler" >/dev/null; then
  echo "probe: skipped, no $compiler (apt-get install g++-mingw-w64-x86-64-posix)"
  exit 0
fi
[ -f build-probe/build.ninja ] || meson setup --cross-file sim/probe/mingw64.txt build-probe >/dev/null
ninja -C build-probe >/dev/null
probe=build-probe/sim/probe/wsrsim-probe.exe
echo "probe: built $probe"

# Debian's wine64 package installs the loader outside PATH.
wine=$(command -v wine64 || true)
[ -n "$wine" ] || [ ! -x /usr/lib/wine/wine64 ] || wine=/usr/lib/wine/wine64
if [ -z "$wine" ]; then
  echo "probe under Wine: skipped, no wine64"
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Unmet expectations (exit 1) are the point here; a trace error (2) is not.
status=0
WINEDEBUG=-all WINEPREFIX="$scratch/prefix" "$wine" "$probe" traces/microsoft_sample.trace \
  >"$scratch/events.csv" 2>"$scratch/stderr" || status=$?
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  echo "probe under Wine: failed with exit code $status"; cat "$scratch/stderr"; exit 1
fi

# What Wine answered when this was written: no port reservations at all.
failures=0
expect() {  # expect COMMAND OUTCOME: every row of that request kind has that outcome
  local outcomes
  outcomes=$(awk -F, -v command="$1" 'index($3, command " ") == 1 { print $4 }' "$scratch/events.csv" | sort -u)
  if [ "$outcomes" != "$2" ]; then
    echo "probe under Wine: $1 answered '$outcomes', expected $2"; failures=1
  fi
}
expect acquire WSAEOPNOTSUPP
expect associate WSAEOPNOTSUPP
expect release WSAEOPNOTSUPP
# The sample's two processes are child processes of the probe: they start, serve
# their sockets' requests and exit when the probe ends.
expect process NO_ERROR
expect socket NO_ERROR
if grep "process [0-9]* \(did not start\|no longer answers\|did not exit\)" "$scratch/stderr"; then
  echo "probe under Wine: a child process failed (above)"; failures=1
fi
missing=$(grep -c "iphlpapi.dll has no .*PersistentT\?[a-zA-Z]*PortReservation" "$scratch/stderr" || true)
if [ "$missing" -ne 6 ]; then
  echo "probe under Wine: $missing of the 6 persistent functions reported missing, expected all"; failures=1
fi
[ "$failures" -eq 0 ] &&
  echo "probe under Wine: two child processes; WSAEOPNOTSUPP for the three ioctls, persistent functions missing, as expected"
exit "$failures"
