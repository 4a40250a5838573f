# soko's everyday commands. `make test` is what CI runs (see .ci/run).
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run build test test-browser test-short bench lint fuzz generate

run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/soko serve --demo

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/soko ./cmd/soko

# Runs every test with the race detector. With SOKO_TEST_POSTGRES set, the
# storage and end-to-end tests also run on PostgreSQL; the summary shows how many.
test:
	@set -o pipefail; $(GO) test -race -count=1 -timeout 50m -v ./... 2>&1 | tee .test.log | grep -E '^(ok|FAIL|---.*FAIL|panic:|\S+: [0-9]+ tests ran on PostgreSQL|\S+: SOKO_TEST_POSTGRES)' ; \
	status=$$?; \
	echo "tests passed: $$(grep -c -- '--- PASS' .test.log), failed: $$(grep -c -- '--- FAIL' .test.log), PostgreSQL tests passed: $$(grep -cE -- '--- PASS: .*(/postgres|Postgres)' .test.log)"; \
	if [ $$status -ne 0 ]; then grep -B2 -A20 -- '--- FAIL' .test.log | head -200; fi; \
	exit $$status

# The browser tests alone (headless Chromium through chromedp): every test
# function of internal/server's *_browser_test.go files. `make test` runs
# them too.
BROWSER_TESTS = $(shell grep -ho '^func Test[A-Za-z0-9_]*' internal/server/*_browser_test.go | sed 's/^func //' | paste -sd'|')
test-browser:
	$(GO) test -race -count=1 -timeout 30m -run '^($(BROWSER_TESTS))$$' ./internal/server

# A quick pass while editing, under a minute on two cores: -short leaves
# out the browser tests (internal/server skips them by name before their
# setup), every use of PostgreSQL (the PostgreSQL twin of each dialect
# test, storagetest.ForEachDialect, and the PostgreSQL-only checks, such as
# schema parity, storagetest.SkipWithoutPostgres), the end-to-end tests
# that run the soko program (cmd/internal/sokoproc), and the longest runs
# (load, the HTTP fuzz sweep, every document decoded at 203 dpi, rendering
# comparisons); and it hashes PINs and portal passwords at a low work
# factor (storagetest.QuickHashesUnderShort). No race detector. `make test`
# runs everything, at production's hashing cost.
test-short:
	$(GO) test -short -count=1 ./...

# Benchmarks; with SOKO_TEST_POSTGRES set the PostgreSQL ones run too.
# Figures go into BENCHMARKS.md by hand, with the machine they ran on.
bench:
	@if [ -n "$$SOKO_TEST_POSTGRES" ] && command -v pgbench >/dev/null; then \
	  echo "pgbench -N on the same PostgreSQL, for comparison:"; \
	  PGOPTIONS='--client-min-messages=warning' psql "$$SOKO_TEST_POSTGRES" -qc 'DROP SCHEMA IF EXISTS pgbench CASCADE' -c 'CREATE SCHEMA pgbench' >/dev/null; \
	  PGOPTIONS='-c search_path=pgbench' pgbench -q -i -s 10 "$$SOKO_TEST_POSTGRES" >/dev/null 2>&1; \
	  PGOPTIONS='-c search_path=pgbench' pgbench -N -c 20 -j 2 -T 10 "$$SOKO_TEST_POSTGRES" 2>&1 | grep -E 'tps|latency average'; \
	  PGOPTIONS='--client-min-messages=warning' psql "$$SOKO_TEST_POSTGRES" -qc 'DROP SCHEMA pgbench CASCADE' >/dev/null; \
	fi
	# Growth first: its sub-millisecond pages are timed 20 times, which
	# the load the other benchmarks leave behind would swamp.
	$(GO) test -run '^$$' -bench 'Growth' -benchtime 20x ./internal/storage
	$(GO) test -run '^$$' -bench 'AllocateWaiting|PickScans' -benchtime 1x ./internal/storage ./internal/server
	$(GO) test -run '^$$' -bench 'ImportStatus' -benchtime 3x ./internal/server
	$(GO) test -run '^$$' -bench 'CreateOrder' -benchtime 3s -count 3 ./internal/server
	$(GO) test -run '^$$' -bench 'StockFeed' -benchtime 10x -count 3 ./internal/storage

# Every fuzz target for a bounded time (FUZZTIME each); CI runs it too.
FUZZTIME ?= 10s
fuzz:
	$(GO) test ./internal/gs1 -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/address -run '^$$' -fuzz '^FuzzNormalizeCheck$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/carrier -run '^$$' -fuzz '^FuzzNormalizeTrackingNumber$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/carrier -run '^$$' -fuzz '^FuzzImportIssued$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/carrier -run '^$$' -fuzz '^FuzzExport$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/carrier -run '^$$' -fuzz '^FuzzImportStatus$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/server -run '^$$' -fuzz '^FuzzCreateOrder$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/pdf -run '^$$' -fuzz '^FuzzWrap$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/orderimport -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/server -run '^$$' -fuzz '^FuzzHTTP$$' -fuzztime $(FUZZTIME)

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	@diff <(ls migrations/postgres) <(ls migrations/sqlite)

# Regenerates the API code from internal/server/api/openapi.yaml and fails if
# the committed code was stale.
generate:
	$(GO) generate ./...
	@git diff --exit-code -- internal/server/api || (echo "generated code was stale: commit it"; exit 1)

# A warehouse day under faults (scripts/proof.sh): two soko servers on a
# fresh PostgreSQL database under soko-load (cmd/soko-load, the load generator,
# not part of the shipped binary), one killed and restarted, the
# database restarted, then `soko check` must pass; prints the figures.
# `make proof` is the whole day (under 10 minutes), `make proof-short` CI's.
.PHONY: proof proof-short
proof:
	scripts/proof.sh full

proof-short:
	scripts/proof.sh short
