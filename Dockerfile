# syntax=docker/dockerfile:1.7
#
# chatdesk production image.
#   docker build -t chatdesk --build-arg VERSION="$(git describe --tags --always --dirty)" .
# Stages: web (Node 20: widget + dashboard) -> build (Go: static binary) ->
# runtime (distroless static, non-root). The same steps run outside Docker in
# `make` (go build ./cmd/chatdesk, npm ci && npm run build in both web folders).

ARG GO_VERSION=1.26
ARG NODE_VERSION=20

# ---------------------------------------------------------------- web
FROM node:${NODE_VERSION}-bookworm-slim AS web
WORKDIR /src
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
# Dependencies first (cached while package*.json do not change).
COPY web-widget/package.json web-widget/package-lock.json web-widget/
COPY web-dashboard/package.json web-dashboard/package-lock.json web-dashboard/
RUN --mount=type=cache,target=/root/.npm \
    cd web-widget && npm ci && cd ../web-dashboard && npm ci
COPY web-widget/ web-widget/
COPY web-dashboard/ web-dashboard/
# Protocol names, generated from internal/protocol and imported by both apps.
COPY internal/protocol/wire.js internal/protocol/package.json internal/protocol/
RUN cd web-widget && npm run build && test -s dist/widget.js
RUN cd web-dashboard && npm run build && test -s dist/index.html

# ---------------------------------------------------------------- build
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/chatdesk ./cmd/chatdesk

# ---------------------------------------------------------------- runtime
# distroless/static: CA certificates, tzdata, /etc/passwd with "nonroot"
# (65532), no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="chatdesk" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="chatdesk live chat server (Go) with widget and dashboard"
WORKDIR /app
COPY --from=build /out/chatdesk /usr/local/bin/chatdesk
COPY --from=web /src/web-widget/dist/ /app/web-widget/dist/
COPY --from=web /src/web-dashboard/dist/ /app/web-dashboard/dist/
ENV CHATDESK_ENV=production \
    CHATDESK_ADDR=:8080 \
    CHATDESK_LOG_FORMAT=json \
    CHATDESK_WIDGET_FILE=/app/web-widget/dist/widget.js \
    CHATDESK_DASHBOARD_DIR=/app/web-dashboard/dist
USER nonroot:nonroot
EXPOSE 8080
# SIGTERM drains WebSockets (up to ~20 s): docker-compose.yml sets
# stop_grace_period: 30s so Docker does not SIGKILL earlier.
STOPSIGNAL SIGTERM
# No shell or curl in distroless: the binary probes itself
# (`chatdesk healthcheck`: GET http://127.0.0.1:$PORT/healthz, exit 0 on 200).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/chatdesk", "healthcheck"]
# `chatdesk` with no argument serves; `chatdesk agent add ...` manages agents.
ENTRYPOINT ["/usr/local/bin/chatdesk"]
