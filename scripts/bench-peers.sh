#!/usr/bin/env bash
# bench-peers.sh: the whole-process gate, zcdrop conformance, against the two
# Node peers of issue 11 on the same generated traffic, and their ratios
# (issue 11's target: zcdrop at least 5x faster than each).
#
# It generates N conforming interactions (TestWriteBenchCorpus, from the
# shipped corpus with a cluster ID each) three ways: in one cassette, in one
# cassette file each, and as one HAR file (zcdrop record convert of the one
# cassette). It installs the peers with npm into a scratch prefix, and runs:
#   - zcdrop conformance on the one cassette, next to Redocly CLI's drift on
#     the HAR file (drift reads HAR, not cassettes);
#   - zcdrop conformance on the cassette files, next to
#     scripts/peers/validate-cassettes.js, which validates each recorded
#     response with openapi-response-validator as a user of that library
#     would;
#   - zcdrop conformance on the HAR file, when it reads HAR, for reference.
# Each command is run once first to check that it checked all N: zcdrop's
# summary line, drift's documentedExchanges, the validator's count. Then
# each is timed as a whole process, in RUNS rounds in which the commands
# take turns, with hyperfine when it is installed (apt-get install
# hyperfine), else with date; the ratios are those of the medians of this
# one run. Last, zcdrop's peak
# RSS on one cassette of 1,000 and of N interactions (GNU time's -v).
#
# Drift runs with REDOCLY_TELEMETRY=off and REDOCLY_SUPPRESS_UPDATE_NOTICE=
# true: otherwise each run waits on a telemetry call, which on a machine
# without the internet more than doubles its time, and that is no part of
# checking traffic.
#
# Usage: scripts/bench-peers.sh        (from any directory)
#   N=10000             interactions in each corpus
#   RUNS=5              rounds, each timing one run of every command
#   REDOCLY_CLI=2.77.0  the @redocly/cli version to install
#   RESPONSE_VALIDATOR=12.1.3  the openapi-response-validator version
#   JS_YAML=5.5.0       the js-yaml version
# Needs go, node and npm (and the npm registry); exits 2 when one is
# missing, 1 when a command fails or checks fewer than N, 0 otherwise,
# whether or not the targets are met (the table says which).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly n=${N:-10000}
readonly runs=${RUNS:-5}
readonly target=5
readonly redocly_version=${REDOCLY_CLI:-2.77.0}
readonly validator_version=${RESPONSE_VALIDATOR:-12.1.3}
readonly jsyaml_version=${JS_YAML:-5.5.0}

say() { printf 'bench-peers: %s\n' "$*"; }
die() {
	printf 'bench-peers: %s\n' "$*" >&2
	exit 1
}

for tool in go:"https://go.dev/doc/install" node:"apt-get install nodejs" npm:"apt-get install npm"; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		printf 'bench-peers: %s is missing: %s\n' "${tool%%:*}" "${tool#*:}" >&2
		exit 2
	fi
done
for v in N:"$n" RUNS:"$runs"; do
	case ${v#*:} in '' | *[!0-9]* | 0) printf 'bench-peers: %s=%s is not a positive number\n' "${v%%:*}" "${v#*:}" >&2 && exit 2 ;; esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
machine="$(nproc) cores (nproc), ${cpu:-CPU model unknown}; $(go env GOVERSION), node $(node --version)"
readonly machine
say "machine: $machine"

go build -o "$tmp/zcdrop" ./cmd/zcdrop
zcdrop=$tmp/zcdrop

# corpus writes $2 interactions in layout $3 under the new directory $1.
corpus() {
	mkdir -p "$1"
	if ! ZCDROP_BENCH_CORPUS_DIR=$1 ZCDROP_BENCH_CORPUS_N=$2 ZCDROP_BENCH_CORPUS_LAYOUT=$3 \
		go test ./conformance -run '^TestWriteBenchCorpus$' -count=1 >"$tmp/corpus.log" 2>&1; then
		die "generating $2 interactions ($3) failed: $(tail -5 "$tmp/corpus.log")"
	fi
}
say "generating $n interactions: one cassette, one cassette file each, one HAR file"
corpus "$tmp/one" "$n" one-file
corpus "$tmp/each" "$n" file-each
corpus "$tmp/one1k" 1000 one-file
"$zcdrop" record convert "$tmp/one/corpus.yaml" "$tmp/traffic.har" >/dev/null ||
	die "zcdrop record convert could not write the HAR file"
size() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

say "installing @redocly/cli@$redocly_version, openapi-response-validator@$validator_version, js-yaml@$jsyaml_version into a scratch prefix"
if ! npm install --prefix "$tmp/npm" --no-audit --no-fund --loglevel=error \
	"@redocly/cli@$redocly_version" "openapi-response-validator@$validator_version" "js-yaml@$jsyaml_version" >"$tmp/npm.log" 2>&1; then
	die "npm install failed: $(tail -5 "$tmp/npm.log")"
fi
redocly=$tmp/npm/node_modules/.bin/redocly
export NODE_PATH=$tmp/npm/node_modules REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

# The commands, by name: what each runs, the title of its row, and the
# zcdrop row that a peer's ratio compares with.
names=()
declare -A cmd title versus
add() {
	names+=("$1")
	cmd[$1]=$2
	title[$1]=$3
	versus[$1]=${4:-}
}
q() { printf '%q ' "$@"; }

# checked runs zcdrop conformance on $1 with a JSON report, and succeeds
# when it judged all n interactions and passed them; else it says why on
# stdout.
checked() {
	if ! "$zcdrop" conformance --format json "$1" >"$tmp/report.json" 2>"$tmp/err"; then
		tail -1 "$tmp/err" | cut -c1-200
		return 1
	fi
	# shellcheck disable=SC2016 # JavaScript's template, not the shell's.
	node -e 'const s = require(process.argv[1]).summary
		if (s.total != process.argv[2] || s.passed != s.total) { console.log(`judged ${s.total}, passed ${s.passed}`); process.exit(1) }' \
		"$tmp/report.json" "$n"
}
if why=$(checked "$tmp/one/corpus.yaml"); then
	add zcdrop-one "$(q "$zcdrop" conformance "$tmp/one/corpus.yaml")" "zcdrop conformance, one cassette ($(size "$tmp/one/corpus.yaml"))"
else
	say "zcdrop conformance did not pass the one cassette of $n interactions ($(size "$tmp/one/corpus.yaml")), so it is not timed: $why"
fi
if "$redocly" drift --help >/dev/null 2>&1; then
	"$redocly" drift "$tmp/traffic.har" --api openapi.yaml --format json -o "$tmp/drift.json" >"$tmp/out" 2>&1 ||
		die "redocly drift failed: $(tail -5 "$tmp/out")"
	checked=$(node -e 'const r = require(process.argv[1]).run; console.log(r.documentedExchanges, r.totalProblems)' "$tmp/drift.json")
	[[ ${checked%% *} == "$n" ]] || die "redocly drift checked ${checked%% *} exchanges of $n"
	say "redocly drift checked $n exchanges against openapi.yaml and found ${checked#* } problems"
	add drift "$(q "$redocly" drift "$tmp/traffic.har" --api openapi.yaml --format json -o "$tmp/drift.json")" \
		"redocly drift, the same traffic as HAR ($(size "$tmp/traffic.har"))" zcdrop-one
else
	say "@redocly/cli@$redocly_version has no drift command (redocly --help lists what it has); its row is left out"
fi
if ! why=$(checked "$tmp/each"); then
	die "zcdrop conformance on $n cassette files: $why"
fi
add zcdrop-each "$(q "$zcdrop" conformance "$tmp/each")" "zcdrop conformance, $n cassette files"
node scripts/peers/validate-cassettes.js openapi.yaml "$tmp/each" >"$tmp/out" 2>&1 ||
	die "validate-cassettes.js: $(tail -3 "$tmp/out")"
validated=$(sed -n 's/.* responses: \([0-9]*\) validated.*/\1/p' "$tmp/out")
(( validated > 0 && validated <= n )) || die "validate-cassettes.js validated ${validated:-no} responses: $(cat "$tmp/out")"
say "openapi-response-validator: $(cat "$tmp/out")"
add validator "$(q node scripts/peers/validate-cassettes.js openapi.yaml "$tmp/each")" \
	"openapi-response-validator, the same files" zcdrop-each
if why=$(checked "$tmp/traffic.har"); then
	add zcdrop-har "$(q "$zcdrop" conformance "$tmp/traffic.har")" "zcdrop conformance, the HAR file (for reference)"
else
	say "zcdrop conformance did not pass the HAR file (it may not read HAR yet), so it is not timed: $why"
fi
((${#names[@]} > 0)) || die "nothing to time"

# median reads numbers, one a line, and prints their median.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The commands take turns, a round at a time, so that whatever else the
# machine does in a while falls on all of them alike; each round times one
# run of each, with hyperfine where it is installed (which also takes the
# shell's own start-up out), else with date.
hf=()
if command -v hyperfine >/dev/null 2>&1; then
	how="hyperfine $(hyperfine --version | cut -d' ' -f2)"
	for name in "${names[@]}"; do hf+=(-n "$name" "${cmd[$name]}"); done
else
	how="date (no hyperfine: apt-get install hyperfine)"
fi
how="$runs rounds, each command once a round, in turn, after one warm-up run; the median; timed with $how"
say "timing: $how"
for name in "${names[@]}"; do eval "${cmd[$name]}" >/dev/null 2>&1 || die "$name failed"; done
for _ in $(seq "$runs"); do
	if ((${#hf[@]})); then
		hyperfine --shell=bash --style none --runs 1 --export-json "$tmp/round.json" "${hf[@]}" >/dev/null 2>&1 ||
			die "a command failed while timed"
		while read -r name s; do printf '%s\n' "$s" >>"$tmp/$name.s"; done < <(node -e '
			for (const r of require(process.argv[1]).results) console.log(r.command, r.mean)' "$tmp/round.json")
		continue
	fi
	for name in "${names[@]}"; do
		start=$(date +%s%N)
		eval "${cmd[$name]}" >/dev/null 2>&1 || die "$name failed while timed"
		awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { print ns / 1e9 }' >>"$tmp/$name.s"
	done
done
declare -A seconds
for name in "${names[@]}"; do seconds[$name]=$(median <"$tmp/$name.s"); done

# peak prints the peak RSS, in MiB, of zcdrop conformance on $1, or nothing
# without GNU time.
peak() {
	/usr/bin/time -v "$zcdrop" conformance "$1" >/dev/null 2>"$tmp/time" || return 0
	awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tmp/time"
}
rss1k='' rssN=''
if /usr/bin/time -v true >/dev/null 2>&1; then
	rss1k=$(peak "$tmp/one1k/corpus.yaml")
	rssN=$(peak "$tmp/one/corpus.yaml")
fi

printf '\nbench-peers: %d interactions, on %s\n' "$n" "$machine"
printf 'bench-peers: @redocly/cli %s, openapi-response-validator %s; %s\n\n' "$redocly_version" "$validator_version" "$how"
printf '  %-58s %9s %9s  %s\n' "whole process" "median" "zcdrop" "target"
for name in "${names[@]}"; do
	s=${seconds[$name]}
	if [[ -z ${versus[$name]} ]]; then
		printf '  %-58s %8.3fs\n' "${title[$name]}" "$s"
	elif [[ -n ${seconds[${versus[$name]}]:-} ]]; then
		awk -v t="${title[$name]}" -v s="$s" -v z="${seconds[${versus[$name]}]}" -v target="$target" 'BEGIN {
			r = s / z
			printf "  %-58s %8.3fs %8.2fx  >= %dx faster: %s\n", t, s, r, target, (r >= target) ? "met" : "NOT met"
		}'
	else
		printf '  %-58s %8.3fs %9s  (no zcdrop row to compare with)\n' "${title[$name]}" "$s" "-"
	fi
done
echo
if [[ -n $rss1k && -n $rssN ]]; then
	awk -v a="$rss1k" -v b="$rssN" -v n="$n" 'BEGIN {
		printf "  zcdrop conformance peak RSS, one cassette: %s MiB at 1,000 interactions, %s MiB at %d: %.2fx (flat: <= 1.20x: %s)\n",
			a, b, n, b / a, (b / a <= 1.2) ? "met" : "NOT met"
	}'
else
	echo "  zcdrop conformance peak RSS: not measured (needs GNU time's /usr/bin/time -v: apt-get install time)"
fi
