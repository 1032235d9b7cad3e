# iotemu image, built FROM scratch around a static binary: nothing is pulled.
#
#   CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$(git describe --always --dirty)" -o dist/iotemu ./cmd/iotemu
#   mkdir -p dist/data
#   docker build -t iotemu .
#   docker run --rm -p 1883:1883 -p 8883:8883 -p 8080:8080 -p 8443:8443 -p 3001:3001 iotemu
#
# (`make image` does both.)
FROM scratch
COPY dist/iotemu /iotemu
# /data, owned by the user the emulator runs as, for -data-dir: a scratch
# image has no writable directory, and a named volume mounted there takes
# this directory's owner (docker run -v iotemu-data:/data -e IOTEMU_DATA_DIR=/data).
# dist/data is an empty directory (`make build` makes it).
COPY --chown=65532:65532 dist/data /data
# Inside a container the listeners bind every interface, so that published
# ports reach them; the binary's own defaults bind 127.0.0.1.
ENV IOTEMU_MQTT_ADDR=0.0.0.0:1883 \
    IOTEMU_MQTT_TLS_ADDR=0.0.0.0:8883 \
    IOTEMU_HTTP_ADDR=0.0.0.0:8080 \
    IOTEMU_HTTPS_ADDR=0.0.0.0:8443 \
    IOTEMU_HTTPS_ALPN_ADDR=0.0.0.0:4443 \
    IOTEMU_APIGW_ADDR=0.0.0.0:3001
EXPOSE 1883 8883 8080 8443 4443 3001
USER 65532:65532
HEALTHCHECK --interval=5s --timeout=3s --start-period=2s CMD ["/iotemu", "-healthcheck", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/iotemu"]
