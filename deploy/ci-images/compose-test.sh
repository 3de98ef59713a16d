#!/usr/bin/env bash
# CI step: the container stack on a real engine, from the committed docker-compose.yml.
# Installs Debian's engine and Compose when missing, builds the CI-only stand-ins for the
# official base images (build-images.sh), creates the secrets, runs `up --build`, then the
# flow through the gateway, the isolation checks and the browser smoke run
# (e2e/stack/test/compose), mail read through the catcher. Always ends with `down -v` and the host's network state restored.
set -euo pipefail
cd "$(dirname "$0")/../.."
source deploy/ci-images/engine.sh

export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export COMPOSE_PROJECT_NAME=hybrid-auth-ci
# Compose v2 when the CLI has it, else Debian's Compose v1: the same file runs on both.
compose() {
  if docker compose version >/dev/null 2>&1; then docker compose "$@"; else docker-compose "$@"; fi
}

started=$SECONDS
phase() { echo "-- $* (+$((SECONDS - started)) s)"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if docker info >/dev/null 2>&1; then
    if [ "$rc" -ne 0 ]; then
      compose ps || true
      compose logs --no-color --tail=40 || true
    fi
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  engine_stop || echo "!! could not restore the host's network state" >&2
  phase "torn down, exit $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

phase "engine"
engine_install
engine_start
phase "stand-in base images"
bash deploy/ci-images/build-images.sh
bash deploy/compose-secrets.sh >/dev/null

# Free loopback ports for the gateway and the mail catcher (8080 and 1080 may be taken by
# `npm start` on a developer's machine); links in mails point at this gateway.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
GATEWAY_PORT=$(free_port)
MAIL_CATCHER_PORT=$(free_port)
AUTH_PUBLIC_URL="http://localhost:$GATEWAY_PORT"
export GATEWAY_PORT MAIL_CATCHER_PORT AUTH_PUBLIC_URL

phase "docker compose up --build"
compose up -d --build 2>&1 | grep -v -E '^(DEPRECATED|  +BuildKit|  +environment-variable|$)' || true
gateway=$(docker ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
  --filter label=com.docker.compose.service=gateway)
[ -n "$gateway" ] || { echo "the gateway container was not created" >&2; exit 1; }
for _ in $(seq 1 120); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' "$gateway")" = healthy ] && break
  sleep 2
done
[ "$(docker inspect -f '{{.State.Health.Status}}' "$gateway")" = healthy ] ||
  { echo "the gateway did not become healthy" >&2; exit 1; }
phase "stack healthy"
compose ps

# The services' images hold the stand-in node base: what the app adds is the difference.
mb() { echo $(($(docker image inspect -f '{{.Size}}' "$1") / 1000000)); }
echo "image sizes (the app's own layers beyond node:22-bookworm-slim, $(mb node:22-bookworm-slim) MB here):"
for id in $(docker ps -q --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME"); do
  docker inspect -f '{{.Config.Image}}' "$id"
done | sort -u | while read -r image; do
  case $image in
    *-service* | *mail-catcher*) printf '  %-36s %4s MB (app: %s MB)\n' "$image" "$(mb "$image")" $(($(mb "$image") - $(mb node:22-bookworm-slim))) ;;
    *) printf '  %-36s %4s MB (CI stand-in)\n' "$image" "$(mb "$image")" ;;
  esac
done

phase "flow, isolation and browser smoke run"
COMPOSE_GATEWAY_URL="http://localhost:$GATEWAY_PORT" COMPOSE_MAIL_URL="http://127.0.0.1:$MAIL_CATCHER_PORT" \
  npx jest -c e2e/stack/jest.compose.config.js --runInBand
phase "passed"
