# PostgreSQL (127.0.0.1:5432, trust for local TCP) and Redis (127.0.0.1:6379) for the tests:
# use them when running, start them when installed, install them from Debian when missing.
# nginx is only needed as a binary: the gateway suite runs its own instances.

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "installing PostgreSQL"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null || return 1
    local hba
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start 2>/dev/null || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && return 0
    sleep 1
  done
  return 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  if ! command -v redis-server >/dev/null; then
    echo "installing Redis"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null || return 1
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

# The compose gateway's nginx, run natively by e2e/stack/test/gateway.e2e-spec.ts on free ports.
ensure_nginx() {
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then return 0; fi
  echo "installing nginx"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) >/dev/null || return 1
  # Debian may start its default site on port 80: nothing here needs it.
  /usr/sbin/nginx -s quit 2>/dev/null || true
  [ -x /usr/sbin/nginx ]
}

# Debian's Chromium for the browser suite (e2e/stack/test/browser), driven by playwright-core:
# a distribution package, never a browser build downloaded by `playwright install`.
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  echo "installing Chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null || return 1
  [ -x /usr/bin/chromium ]
}

# Run directly (`npm test` does, before the tests): make sure everything the suites use is
# there, installing from Debian what is missing, or say what to install.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  missing=""
  ensure_postgres || missing="$missing PostgreSQL(127.0.0.1:5432,trust)"
  ensure_redis || missing="$missing Redis(127.0.0.1:6379)"
  ensure_nginx || missing="$missing nginx"
  ensure_chromium || missing="$missing chromium"
  if [ -n "$missing" ]; then
    echo "The tests need:$missing. Install them (Debian: apt-get install postgresql redis-server nginx chromium) or run this as root to let it do so." >&2
    exit 1
  fi
fi
