# chatdesk — see README.md. Two commands matter: `make run` and `make test`.
SHELL := /bin/bash
GO    ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
GOFILES := $(shell find cmd internal loadtest -name '*.go' 2>/dev/null)
STATICCHECK_VERSION := v0.8.2

.PHONY: all build run test test-go test-fuzz test-web test-e2e test-deploy lint lint-go lint-web web web-deps bench clean tools

all: build

## build: production binary + both front-end bundles (what the Dockerfile does)
build: bin/chatdesk web

bin/chatdesk: $(GOFILES) go.mod go.sum
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $@ ./cmd/chatdesk

# The development binary embeds FerretDB; it is never shipped.
bin/chatdesk-dev: $(GOFILES) go.mod go.sum
	$(GO) build -o $@ ./cmd/chatdesk-dev

web-widget/node_modules: web-widget/package-lock.json
	cd web-widget && npm ci --no-audit --no-fund && touch node_modules
web-dashboard/node_modules: web-dashboard/package-lock.json
	cd web-dashboard && npm ci --no-audit --no-fund && touch node_modules
web-deps: web-widget/node_modules web-dashboard/node_modules

web: web-deps
	cd web-widget && npm run build
	cd web-dashboard && npm run build

## run: a working system on http://localhost:8080 with embedded MongoDB-wire server and Redis
run: bin/chatdesk-dev web
	./bin/chatdesk-dev

## test: linters, unit and integration tests, browser and cluster end-to-end tests
test: lint test-go test-fuzz test-web test-deploy test-e2e

tools:
	@command -v staticcheck >/dev/null || $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: lint-go lint-web

lint-go: tools
	@out=$$(gofmt -l cmd internal loadtest test/deploy/helmcheck 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" staticcheck ./...

lint-web: web-deps
	cd web-widget && npm run lint
	cd web-dashboard && npm run lint

# Integration tests start their own redis-server and FerretDB (bin/chatdesk-dev mongo).
# The unit and adapter tests run under the race detector. Two kinds run
# without it: the end-to-end packages (internal/server, test/cluster), which
# drive through real nodes the same code the race-tested packages cover and
# would take ~5x longer under it (make test must stay within its time), and
# internal/media's tests that measure what a decode costs in memory (the
# detector multiplies memory and time; they skip themselves under -race).
# FerretDB itself is a separate process built without -race: under -race it
# switches to a debug mode that stores ~700 documents/s.
GO_E2E_PKGS := ./internal/server/ ./test/cluster/
test-go: bin/chatdesk-dev
	$(GO) test -race -count=1 -timeout 25m $$($(GO) list ./cmd/... ./internal/... ./loadtest/... | grep -v -e '/internal/server$$')
	$(GO) test -count=1 -timeout 20m $(GO_E2E_PKGS)
	$(GO) test -count=1 -run 'TestDecodeMemoryIsBounded|TestDecodeRSS' ./internal/media/

# Short fuzzing runs of the decoders that face the internet.
FUZZTIME ?= 10s
test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzValidateSubmission$$' -fuzztime $(FUZZTIME) ./internal/chat
	$(GO) test -run '^$$' -fuzz '^FuzzNormalizePhone$$' -fuzztime $(FUZZTIME) ./internal/chat
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeFrame$$' -fuzztime $(FUZZTIME) ./internal/realtime
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeJPEGDC$$' -fuzztime $(FUZZTIME) ./internal/media
	$(GO) test -run '^$$' -fuzz '^FuzzStreamPNG$$' -fuzztime $(FUZZTIME) ./internal/media

test-web: web-deps
	cd web-widget && npm test
	cd web-dashboard && npm test
	cd web-widget && npm run size

test-deploy:
	bash test/deploy/run.sh

test-e2e: bin/chatdesk bin/chatdesk-dev web
	cd test/widget && npm ci --no-audit --no-fund && npm test
	cd test/dashboard && npm ci --no-audit --no-fund && npm test

## bench: load tests and benchmarks (never part of `make test`); see docs/benchmarks.md
bench: bin/chatdesk bin/chatdesk-dev
	bash loadtest/bench.sh

clean:
	rm -rf bin web-widget/dist web-dashboard/dist artifacts
