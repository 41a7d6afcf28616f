#!/usr/bin/env bash
# bench-mock.sh: the reference mock's requests per second under wrk, next to
# a bare net/http handler that writes the same answer, and their ratio
# (issue 11's target: at least 75%).
#
# It builds zcdrop and scripts/internal/barehttp, starts `zcdrop mock
# --rate-limit 0 -q` (no rate limit, no log) and the bare server on free
# loopback ports, checks that both give the same answer to the measured
# request, and runs wrk -t1 -c16 against each: a warm-up of each first,
# then RUNS rounds of DURATION, the two servers alternating, so that
# whatever else the machine does falls on both alike. The ratio is that of
# the medians, from this one run; absolute numbers depend on the machine.
# It reports too each server's CPU time per request (from /proc), whose
# ratio holds steadier than requests per second when other work competes
# for the cores.
#
# The request is a Describe Cluster of a RUNNING cluster, GET
# /v2/clusters/ID: the mock answers it with HTTP 200, code 0, and the same
# bytes every time. A drop succeeds once per cluster, so repeating it would
# measure the mock's 96018 answer; `go test -bench 'Mock|Bare' ./mock`
# measures drops of fresh clusters against the same bare handler.
#
# Usage: scripts/bench-mock.sh        (from any directory)
#   DURATION=10s  how long each wrk run lasts
#   RUNS=5        rounds, each running wrk against the mock, then the bare server
# Needs go, wrk (apt-get install wrk) and curl (apt-get install curl); exits
# 2 when one is missing, 1 when a measurement fails, 0 otherwise, whether or
# not the target is met (the last line says which).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly duration=${DURATION:-10s}
readonly rounds=${RUNS:-5}
readonly target=75
readonly key=mock-key-bench-0123456789 # a key for this mock only
readonly cluster=in01-6183d6bac30f801
readonly path=/v2/clusters/$cluster

say() { printf 'bench-mock: %s\n' "$*"; }
# printable prints the first 300 bytes of stdin with every byte that is not
# printable ASCII as "?", so that what a server sent cannot drive the
# terminal.
printable() { head -c 300 | LC_ALL=C tr -c '[:print:]' '?'; }
die() {
	printf 'bench-mock: %s\n' "$*" >&2
	exit 1
}

for tool in go:"https://go.dev/doc/install" wrk:"apt-get install wrk" curl:"apt-get install curl"; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		printf 'bench-mock: %s is missing: %s\n' "${tool%%:*}" "${tool#*:}" >&2
		exit 2
	fi
done
case $rounds in '' | *[!0-9]* | 0) printf 'bench-mock: RUNS=%s is not a positive number\n' "$rounds" >&2 && exit 2 ;; esac

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/zcdrop" ./cmd/zcdrop
go build -o "$tmp/barehttp" ./scripts/internal/barehttp

# base_url waits for the server with process ID $1 to print its base URL in
# file $2, and prints it.
base_url() {
	local url
	for _ in $(seq 100); do
		if url=$(grep -m1 -o 'http://127\.0\.0\.1:[0-9]*' "$2"); then
			printf '%s\n' "$url"
			return
		fi
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	die "the server did not start; it said: $(cat "$2" "$2.err" 2>/dev/null | printable)"
}

# fetch sends the measured request to base URL $1, writes the body to $2
# and the header names but Date and Requestid, sorted, to $2.headers, and
# prints the status, Content-Type and requestid length, made printable.
fetch() {
	local info
	info=$(curl -sS --max-filesize 65536 -D "$2.raw" -o "$2" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $key" "$1$path")
	tr -d '\r' <"$2.raw" | sed -n 's/^\([^: ]*\):.*/\1/p' | tr '[:upper:]' '[:lower:]' | grep -v -x -e date -e requestid | sort >"$2.headers" || true
	printf '%s requestid:%s' "$info" "$(tr -d '\r' <"$2.raw" | sed -n 's/^[Rr]equestid: *//p' | tr -d '\n' | wc -c)" | printable
}

"$tmp/zcdrop" mock --addr 127.0.0.1:0 --api-key "$key" --cluster "$cluster" --rate-limit 0 -q \
	>"$tmp/mock.out" 2>"$tmp/mock.out.err" &
pids+=("$!")
mock_pid=$!
mock_url=$(base_url "$mock_pid" "$tmp/mock.out")
mock_answer=$(fetch "$mock_url" "$tmp/mock.body")
case $mock_answer in "200 application/json requestid:32") ;; *) die "the mock answered $mock_answer, not HTTP 200 application/json with a requestid" ;; esac
grep -q '"code":0,' "$tmp/mock.body" || die "the mock's answer is not a success: $(printable <"$tmp/mock.body")"

"$tmp/barehttp" -body "$tmp/mock.body" -content-type application/json \
	>"$tmp/bare.out" 2>"$tmp/bare.out.err" &
pids+=("$!")
bare_pid=$!
bare_url=$(base_url "$bare_pid" "$tmp/bare.out")
bare_answer=$(fetch "$bare_url" "$tmp/bare.body")
if [[ $bare_answer != "$mock_answer" ]] || ! cmp -s "$tmp/mock.body" "$tmp/bare.body" ||
	! cmp -s "$tmp/mock.body.headers" "$tmp/bare.body.headers"; then
	die "the bare server's answer ($bare_answer) differs from the mock's ($mock_answer)"
fi

cat >"$tmp/auth.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $key"
EOF

# cpu_ticks prints the CPU time that process $1 has used so far, user and
# system, in clock ticks (/proc/PID/stat's utime and stime).
cpu_ticks() {
	local stat
	stat=$(cat "/proc/$1/stat")
	# The fields after the command name, which ends at the last ")":
	# state is the 1st, utime the 12th and stime the 13th.
	awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

# measure runs wrk against base URL $1, served by process $2, for $3 and
# prints its requests per second and the server's CPU time per request in
# microseconds; a non-2xx answer or a socket error fails the measurement.
measure() {
	local out before after
	before=$(cpu_ticks "$2")
	out=$(wrk -t1 -c16 -d"$3" -s "$tmp/auth.lua" "$1$path")
	after=$(cpu_ticks "$2")
	if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
		die "wrk against $1 saw errors: $out"
	fi
	awk -v ticks=$((after - before)) -v hz="$hz" '
		/ requests in / { n = $1 }
		/^Requests\/sec:/ { rps = $2 }
		END { printf "%.0f %.2f\n", rps, 1e6 * ticks / hz / n }' <<<"$out"
}

# median prints the median of its arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

hz=$(getconf CLK_TCK)
cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
say "machine: $(nproc) cores (nproc), ${cpu:-CPU model unknown}; $(go env GOVERSION), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
say "request: GET $path with a Bearer key: Describe Cluster of a RUNNING cluster, answered HTTP 200 with the same $(wc -c <"$tmp/mock.body") body bytes by both servers"
say "wrk -t1 -c16 -d$duration, $rounds rounds, the servers alternating, after a 2s warm-up of each"
measure "$mock_url" "$mock_pid" 2s >/dev/null
measure "$bare_url" "$bare_pid" 2s >/dev/null
mock_rps=() bare_rps=() mock_cpu=() bare_cpu=()
for round in $(seq "$rounds"); do
	got=$(measure "$mock_url" "$mock_pid" "$duration")
	read -r rps cpu_us <<<"$got"
	mock_rps+=("$rps") mock_cpu+=("$cpu_us")
	got=$(measure "$bare_url" "$bare_pid" "$duration")
	read -r rps cpu_us <<<"$got"
	bare_rps+=("$rps") bare_cpu+=("$cpu_us")
	say "round $round: mock ${mock_rps[-1]} req/s (${mock_cpu[-1]} µs CPU a request), bare ${bare_rps[-1]} req/s (${bare_cpu[-1]} µs)"
done
m_rps=$(median "${mock_rps[@]}") b_rps=$(median "${bare_rps[@]}")
m_cpu=$(median "${mock_cpu[@]}") b_cpu=$(median "${bare_cpu[@]}")
ratio=$(awk -v m="$m_rps" -v b="$b_rps" 'BEGIN { printf "%.0f", 100 * m / b }')
cpu_ratio=$(awk -v m="$m_cpu" -v b="$b_cpu" 'BEGIN { printf "%.0f", 100 * b / m }')
verdict="meets the target"
((ratio >= target)) || verdict="MISSES the target"
say "zcdrop mock --rate-limit 0 -q: $m_rps req/s, $m_cpu µs of server CPU a request (medians)"
say "bare net/http handler:         $b_rps req/s, $b_cpu µs of server CPU a request (medians)"
say "server CPU a request, bare / mock: $cpu_ratio% (steadier than req/s on a busy machine)"
say "requests per second, mock / bare: $ratio% (target: at least $target%): $verdict"
