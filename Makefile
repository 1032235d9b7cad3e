# Development commands; CI runs .ci/run.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT := $(shell go env GOPATH)/bin/golangci-lint

.PHONY: build test lint image bench tidy

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o dist/iotemu ./cmd/iotemu
	mkdir -p dist/data

test:
	go test -race ./...

# lint installs golangci-lint at the pinned version when it is missing or
# another version, then runs it as .ci/run does.
lint:
	@$(GOLANGCI_LINT) version 2>/dev/null | grep -q "version $(GOLANGCI_LINT_VERSION:v%=%) " || \
		go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	$(GOLANGCI_LINT) run ./...

image: build
	docker build -t iotemu:$(VERSION) -t iotemu:latest .

bench:
	go test -run '^$$' -bench . -count 6 ./...

tidy:
	go mod tidy && git diff --exit-code go.mod go.sum
