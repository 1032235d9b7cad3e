# Development commands; CI runs .ci/run.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)

.PHONY: build test image bench tidy

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o dist/iotemu ./cmd/iotemu

test:
	go test -race ./...

image: build
	docker build -t iotemu:$(VERSION) -t iotemu:latest .

bench:
	go test -run '^$$' -bench . -count 6 ./...

tidy:
	go mod tidy && git diff --exit-code go.mod go.sum
