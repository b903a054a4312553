#!/bin/bash
# tests/fuzz/run.sh [BUILDDIR] - build the libFuzzer harnesses with clang
# (ASan + UBSan) and fuzz each for FUZZ_SECONDS (default 60).
#
#   BUILDDIR          where the harnesses, the working corpora, the logs and
#                     any crash inputs go (default: $PWD/fuzz-build)
#   FUZZ_SECONDS      seconds per harness (default 60)
#   FUZZ_HARNESSES    the harnesses to run (default: all of them)
#   FUZZ_CC           the compiler (default: clang)
#   FUZZ_CFLAGS       extra compiler flags
#   FUZZ_LOG          the TAP-style log (default: tests/fuzz/fuzz.log, with
#                     a fuzz.trs beside it, as automake writes for a test)
#   NP_BUILDDIR       the configured build tree holding config.h (default:
#                     the source tree)
#
# Each harness fuzzes a copy of its seed corpus (tests/fuzz/corpus/NAME and
# the inputs in tests/fuzz/crashes/NAME), so the source tree is left alone.
# One line per harness, on standard output and in the log:
#   ok 1 - fuzz fuzz_reply: 1234567 executions in 60 s, 0 crashes
#   not ok 2 - fuzz fuzz_options: 4321 executions in 3 s, 1 crash: PATH
# A crash also prints the sanitizer's message and a hex dump of the input,
# and the input is kept in BUILDDIR/crashes.  Exit status: 0 all passed,
# 1 a harness crashed or did not build, 77 skipped (no clang; under CI=true
# that is a failure).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
fuzzdir="$top/tests/fuzz"
build=${1:-$PWD/fuzz-build}
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-clang}
cfgdir=${NP_BUILDDIR:-$top}
log=${FUZZ_LOG:-$fuzzdir/fuzz.log}
harnesses=${FUZZ_HARNESSES:-fuzz_reply fuzz_options fuzz_targets fuzz_pcap}

# name -> sources (besides tests/fuzz/NAME.c), link flags, longest input
sources() {
	case "$1" in
	fuzz_reply) echo "reply.c icmp.c icmp_names.c proto.c proto_icmp.c proto_tcp.c proto_tcpconn.c proto_udp.c payload.c siphash.c match.c core.c sockets.c privs.c clock.c target.c stats.c hist.c error.c" ;;
	fuzz_options) echo "options.c tlist.c target.c error.c" ;;
	# no DNS: the harness wraps getaddrinfo (numeric lookups only)
	fuzz_targets) echo "tlist.c target.c error.c" ;;
	# the decoder behind --read, and libpcap's file reader in front of it
	fuzz_pcap) echo "inspect.c linklayer.c format.c reply.c icmp.c icmp_names.c proto.c proto_icmp.c proto_tcp.c proto_tcpconn.c proto_udp.c payload.c siphash.c target.c hist.c error.c clock.c" ;;
	*) return 1 ;;
	esac
}
ldflags() {
	case "$1" in
	fuzz_targets) echo "-Wl,--wrap=getaddrinfo" ;;
	fuzz_pcap) echo "-lpcap" ;;
	# core.c holds the probe table; its socket layer needs libcap
	fuzz_reply) echo "-lcap" ;;
	esac
}
max_len() {
	case "$1" in
	fuzz_reply) echo 2048 ;;	 # Linux quotes up to 576 bytes
	fuzz_options) echo 4096 ;; # past 1024 hosts
	fuzz_targets) echo 9000 ;; # past the 4095-byte line limit
	fuzz_pcap) echo 16384 ;;   # a few dozen packets
	*) echo 4096 ;;
	esac
}

mkdir -p "$build" "$build/crashes" || exit 1
build=$(cd "$build" && pwd)
: >"$log" || exit 1
trs=${log%.log}.trs
result() { printf ':test-result: %s\n' "$1" >"$trs"; }
say() { echo "$*" | tee -a "$log"; }

case "$seconds" in
'' | *[!0-9]*) say "not ok 1 - fuzz: FUZZ_SECONDS must be a whole number"; result FAIL; exit 2 ;;
esac
if [ ! -f "$cfgdir/config.h" ]; then
	say "not ok 1 - fuzz: no config.h in $cfgdir: run ./configure first (or set NP_BUILDDIR)"
	result FAIL
	exit 2
fi

# a stack trace with UBSan's reports too
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

CFLAGS="-g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Wall -Wextra ${FUZZ_CFLAGS:-}"

# clang with libFuzzer?
probe="$build/probe"
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
	if [ "${CI:-}" = true ]; then
		n=0
		for h in $harnesses; do
			n=$((n + 1))
			say "not ok $n - fuzz $h: $cc cannot build libFuzzer harnesses (a skip is a failure when CI=true)"
		done
	else
		say "# SKIP fuzz: $cc cannot build libFuzzer harnesses (install clang and libclang-rt-dev)"
	fi
	sed 's/^/    | /' "$probe.log" | head -5
	if [ "${CI:-}" = true ]; then
		result FAIL
		exit 1
	fi
	result SKIP
	exit 77
fi

n=0
bad=0
for h in $harnesses; do
	n=$((n + 1))
	srcs=$(sources "$h") || { say "not ok $n - fuzz $h: no such harness"; bad=$((bad + 1)); continue; }
	files=""
	for s in $srcs; do files="$files $top/src/$s"; done
	# shellcheck disable=SC2086,SC2046
	if ! "$cc" $CFLAGS -I"$cfgdir" -I"$top/src" -I"$fuzzdir" "$fuzzdir/$h.c" $files \
		$(ldflags "$h") -lm -o "$build/$h" >"$build/$h.build.log" 2>&1; then
		say "not ok $n - fuzz $h: the harness did not build (see $build/$h.build.log)"
		sed 's/^/    | /' "$build/$h.build.log" | head -20
		bad=$((bad + 1))
		continue
	fi

	# a copy of the seeds and of the known crash inputs
	work="$build/corpus/$h"
	rm -rf "$work"
	mkdir -p "$work"
	cp "$fuzzdir/corpus/$h/"* "$work/" 2>/dev/null
	cp "$fuzzdir/crashes/$h/"* "$work/" 2>/dev/null
	art="$build/crashes/$h-"
	rm -f "$art"*

	start=$(date +%s)
	(cd "$build" && "./$h" -max_total_time="$seconds" -rss_limit_mb=2048 \
		-print_final_stats=1 -max_len="$(max_len "$h")" -timeout=25 \
		-artifact_prefix="$art" "$work") >"$build/$h.log" 2>&1
	rc=$?
	elapsed=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$h.log" | tail -1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$build/$h.log" | tail -1)
	[ -n "$execs" ] || execs=0
	crash=""
	for f in "$art"*; do
		[ -f "$f" ] && { crash=$f; break; }
	done
	if [ "$rc" -eq 0 ] && [ -z "$crash" ]; then
		say "ok $n - fuzz $h: $execs executions in $elapsed s, 0 crashes"
		continue
	fi
	bad=$((bad + 1))
	if [ -n "$crash" ]; then
		say "not ok $n - fuzz $h: $execs executions in $elapsed s, 1 crash: $crash"
	else
		say "not ok $n - fuzz $h: $execs executions in $elapsed s, libFuzzer exited with $rc (see $build/$h.log)"
	fi
	grep -E 'runtime error|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|SUMMARY|invariant failed|^    #[0-9] ' \
		"$build/$h.log" | grep -vE 'in fuzzer::|in main |/libc' | head -20 | sed 's/^/    | /' | tee -a "$log"
	if [ -n "$crash" ]; then
		echo "    | input ($(wc -c <"$crash") bytes):" | tee -a "$log"
		od -An -tx1 -v "$crash" | head -32 | sed 's/^/    |/' | tee -a "$log"
		echo "    | reproduce: $build/$h $crash" | tee -a "$log"
	fi
done
echo "$n harnesses, $bad failed" | tee -a "$log"
if [ "$bad" -eq 0 ]; then
	result PASS
	exit 0
fi
result FAIL
exit 1
