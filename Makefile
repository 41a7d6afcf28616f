# zcdrop: everything here needs Go and the module proxy, plus make, git and
# diff; -race needs a C compiler, and is skipped with a notice without one.
#   make conformance   the main job: spec, generated code, corpus, round trips
#   make test          everything CI runs
#   make conformance-live  the probes against the real API (needs ZILLIZ_API_KEY)
GO      ?= go
PKGS    := ./...

# cgo, and so -race, needs a C compiler. Without one, every go command here
# runs with cgo off, and the tests run without -race, saying so.
CGO_OK  := $(shell cc=$$($(GO) env CC 2>/dev/null); \
	[ "$$($(GO) env CGO_ENABLED 2>/dev/null)" = 1 ] && command -v "$${cc%% *}" >/dev/null 2>&1 && echo 1 || echo 0)
export CGO_ENABLED := $(CGO_OK)
RACE    := $(if $(filter 1,$(CGO_OK)),-race)
CORPUS  := conformance/testdata/cassettes conformance/testdata/har

.PHONY: all generate check-generated lint spec-lint breaking regen test conformance conformance-live bench fuzz

all: test

## generate: regenerate api/ from openapi.yaml (run after every spec edit)
generate:
	$(GO) generate $(PKGS)

## check-generated: fail, with a diff, if api/ is not what openapi.yaml generates,
## or if go.mod/go.sum are not tidy
check-generated:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	untracked=$$(git ls-files --others --exclude-standard api 2>/dev/null || true); \
	if [ -n "$$untracked" ]; then \
		echo "check-generated: untracked files in api/ (commit or delete them): $$untracked"; exit 1; fi; \
	cp -R go.mod go.sum gen.go tools.go openapi.yaml "$$tmp"/; \
	mkdir "$$tmp/api"; cp api/oapi-codegen.yaml "$$tmp/api/"; \
	(cd "$$tmp" && $(GO) generate . ) || { echo "check-generated: go generate failed"; exit 1; }; \
	if ! diff -rq api "$$tmp/api" >/dev/null; then \
		echo "check-generated: api/ differs from what openapi.yaml generates:"; \
		if diff -rq -I '^	"[A-Za-z0-9+/=]*",$$' api "$$tmp/api" >/dev/null; then \
			echo "check-generated: only the embedded spec differs (it is stored compressed, so there is no readable diff): openapi.yaml was edited since api/ was generated"; \
		else diff -ru -I '^	"[A-Za-z0-9+/=]*",$$' api "$$tmp/api" || true; fi; \
		echo "check-generated: api/ is stale; run 'make generate' and commit the result"; exit 1; fi; \
	if ! $(GO) mod tidy -diff; then \
		echo "check-generated: go.mod/go.sum are not tidy; run 'go mod tidy'"; exit 1; fi; \
	echo "check-generated: api/ matches openapi.yaml; go.mod is tidy"

## lint: gofmt and go vet. gofmt walks the tree itself, so that it works
## outside a git checkout too (and never waits on stdin for a file list).
lint:
	@unformatted=$$(gofmt -l .); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

## spec-lint: openapi.yaml against OpenAPI 3.0 and the project's rules (zc001…),
## one problem per line as file:line:col
spec-lint:
	$(GO) run ./cmd/zcdrop spec lint --strict openapi.yaml

## breaking: what changed in openapi.yaml, and in the Go API generated from it,
## since BASE (a git ref, default HEAD); exit 1 on a breaking change. The old
## files come from git show, so the checkout never changes.
##
## BASE reaches the shell through the environment, as written (make expands
## nothing in it), and is never pasted into a recipe's text: a BASE such as
## x"$(touch f)" would otherwise run a command. A BASE that starts with "-"
## is refused, since git would read it as an option (--output=FILE writes a
## file), and git show gets --end-of-options besides, so that none is read as one.
BASE ?= HEAD
override BASE := $(value BASE)
export BASE
# check_base stops a recipe, with exit 2, when BASE is empty or starts with
# "-", which git would read as an option.
check_base = case "$$BASE" in ''|-*) printf '%s: BASE=%s is not a git ref (a branch, tag or commit; one that starts with "-" would be read as an option)\n' "$@" "$$BASE" >&2; exit 2;; esac
breaking:
	@set -e; $(check_base); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	git show --end-of-options "$$BASE:openapi.yaml" >"$$tmp/openapi.yaml" || { printf 'breaking: no openapi.yaml at %s\n' "$$BASE"; exit 2; }; \
	git show --end-of-options "$$BASE:api/oapi-codegen.yaml" >"$$tmp/oapi-codegen.yaml" || { printf 'breaking: no api/oapi-codegen.yaml at %s\n' "$$BASE"; exit 2; }; \
	$(GO) run ./cmd/zcdrop spec diff --old-label "openapi.yaml@$$BASE" --old-config "$$tmp/oapi-codegen.yaml" "$$tmp/openapi.yaml" openapi.yaml

## regen: the whole cycle after a spec edit: lint, go generate, go build, the
## diff against BASE (spec and Go API), the gate over the shipped corpus and the
## mock; one summary at the end. The tool is built before api/ is regenerated.
## After a regeneration that broke the build, api/ no longer compiles, and
## neither would the tool: it is then built with api/api.gen.go as at BASE
## (go build -overlay; the checkout never changes), so that make regen can run
## again and regenerate api/ from the spec as it now is.
regen:
	@set -e; $(check_base); tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	if ! $(GO) build -o "$$tmp/zcdrop" ./cmd/zcdrop 2>"$$tmp/build.err"; then \
		json() { printf '%s' "$$1" | sed 's/[\\"]/\\&/g'; }; \
		if git show --end-of-options "$$BASE:api/api.gen.go" >"$$tmp/api.gen.go" 2>/dev/null && \
			printf '{"Replace":{"api/api.gen.go":"%s"}}\n' "$$(json "$$tmp/api.gen.go")" >"$$tmp/overlay.json" && \
			$(GO) build -overlay "$$tmp/overlay.json" -o "$$tmp/zcdrop" ./cmd/zcdrop 2>/dev/null; then \
			printf "regen: the tool does not build from this tree (a regeneration broke api/'s users?); built it with api/api.gen.go as at %s instead (go build -overlay: the checkout is unchanged)\\n" "$$BASE" >&2; \
		else \
			cat "$$tmp/build.err" >&2; \
			printf "regen: the tool does not build from this tree, nor with api/api.gen.go as at %s: fix the sites named above, or run 'git checkout -- api/' if a regeneration broke them\\n" "$$BASE" >&2; \
			exit 2; \
		fi; \
	fi; \
	"$$tmp/zcdrop" spec regen --base "$$BASE"

## test: everything CI runs. Never the live probes, even with ZILLIZ_API_KEY set.
## -race needs cgo, and so a C compiler; without one the tests run without it.
test: lint spec-lint check-generated
ifneq ($(CGO_OK),1)
	@echo "test: notice: no C compiler (go env CC is '$$($(GO) env CC)'), so -race is skipped; install gcc to run the race detector"
endif
	$(GO) test $(RACE) -count=1 -skip '^TestLive' $(PKGS)

## conformance: the gate, on the embedded spec, with no key and no network
conformance: check-generated
	$(GO) run ./cmd/zcdrop selftest --spec openapi.yaml
	$(GO) run ./cmd/zcdrop conformance $(CORPUS)

## conformance-live: the probes that delete nothing, against the real API, with
## the recordings checked by the gate. Needs ZILLIZ_API_KEY (and ZILLIZ_REGION=cn
## for China, or ZILLIZ_BASE_URL); without it the test says so and skips.
conformance-live:
	$(GO) test -count=1 -run Live -v ./probe

## bench: speed and memory of validation, the client and the gate, ending
## with issue 11's ratios next to their targets, all from this one run. Each
## benchmark runs three times and a ratio reads the medians, since the
## machine is shared; the gate runs apart at -cpu 1,2, so that its speedup
## from one core to two can be read off. benchratio copies the output through
## and exits 1 when a benchmark failed or one that a ratio needs is missing.
GATE_BENCH  := ^BenchmarkGate(Corpus|Read)$$
bench:
	{ $(GO) test -run '^$$' -bench . -skip '$(GATE_BENCH)' -benchmem -count 3 $(PKGS); \
	  $(GO) test -run '^$$' -bench '$(GATE_BENCH)' -benchmem -count 3 -cpu 1,2 ./conformance; } \
	| $(GO) run ./internal/benchratio

## fuzz: each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done
