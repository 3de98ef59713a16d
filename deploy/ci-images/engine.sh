# Sourced by compose-test.sh: a Docker engine for one CI step, and the host put back afterwards.
# dockerd leaves its iptables chains, a FORWARD policy of DROP, docker0 and ip_forward=1 behind
# when it stops; other tests on the machine (network namespaces) break on those, so
# engine_stop removes exactly what the engine added and restores what it changed.

ENGINE_STATE=${ENGINE_STATE:-/tmp/hybrid-auth-engine}
ENGINE_LOG="$ENGINE_STATE/dockerd.log"
ENGINE_PIDFILE="$ENGINE_STATE/dockerd.pid"

# Debian's engine (20.10) and Compose v1 (1.29): the only ones reachable from this CI.
engine_install() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v iptables >/dev/null || missing+=(iptables)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The parts of the host's network state that dockerd changes.
engine_save_host() {
  mkdir -p "$ENGINE_STATE"
  sysctl -n net.ipv4.ip_forward >"$ENGINE_STATE/ip_forward"
  iptables -S FORWARD | awk '$1 == "-P" { print $3; exit }' >"$ENGINE_STATE/forward4"
  ip6tables -S FORWARD 2>/dev/null | awk '$1 == "-P" { print $3; exit }' >"$ENGINE_STATE/forward6"
  ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' >"$ENGINE_STATE/links"
}

engine_start() {
  ENGINE_STARTED=""
  if docker info >/dev/null 2>&1; then
    echo "using the Docker engine that is already running (left running afterwards)"
    return 0
  fi
  engine_save_host
  ENGINE_STARTED=1
  # Its own process group, so that engine_stop ends dockerd and the containerd it started.
  setsid dockerd >"$ENGINE_LOG" 2>&1 </dev/null &
  echo $! >"$ENGINE_PIDFILE"
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  tail -n 20 "$ENGINE_LOG"
  return 1
}

# Removes every rule and chain that names docker's chains or bridges, then restores the policy.
_engine_clean_iptables() {
  local cmd=$1 policy=$2
  command -v "$cmd-save" >/dev/null || return 0
  "$cmd-save" | grep -v -E 'DOCKER|docker0|br-[0-9a-f]{12}' | "$cmd-restore" || true
  [ -n "$policy" ] && "$cmd" -P FORWARD "$policy"
  return 0
}

# Stops the engine only if engine_start started it.
engine_stop() {
  [ -n "${ENGINE_STARTED:-}" ] && [ -f "$ENGINE_PIDFILE" ] || return 0
  local pid
  pid=$(cat "$ENGINE_PIDFILE")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
  fi
  rm -f "$ENGINE_PIDFILE"
  _engine_clean_iptables iptables "$(cat "$ENGINE_STATE/forward4")"
  _engine_clean_iptables ip6tables "$(cat "$ENGINE_STATE/forward6")"
  local link
  for link in $(ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//'); do
    case $link in docker0 | br-* | veth*) ;; *) continue ;; esac
    grep -qx "$link" "$ENGINE_STATE/links" || ip link delete "$link" 2>/dev/null || true
  done
  sysctl -q -w "net.ipv4.ip_forward=$(cat "$ENGINE_STATE/ip_forward")"
}
