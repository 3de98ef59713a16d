#!/bin/sh
# Starts redis-server with three users (and the default user off), written from the environment
# at every start, so no password is ever part of the repository or an image:
#
#   auth-service  REDIS_AUTH_PASSWORD   read-write on this deployment's keys (AUTH_REDIS_PREFIX*):
#                                       the revocation stream, its epoch and marks, login counters
#   guard         REDIS_GUARD_PASSWORD  read-only on the revocation stream and its epoch key:
#                                       XREAD, XRANGE, GET, nothing else
#   orders        REDIS_ORDERS_PASSWORD what a guard may, plus orders-service's order-rate
#                                       counters (AUTH_REDIS_PREFIX orders:*)
#
# Passwords are stored as SHA-256 hashes. Arguments are passed on to redis-server.
set -eu

# Each password may come from a file instead (<NAME>_FILE, a Docker secret).
for name in REDIS_AUTH_PASSWORD REDIS_GUARD_PASSWORD REDIS_ORDERS_PASSWORD; do
  eval "file=\${${name}_FILE:-}"
  if [ -n "$file" ]; then
    value=$(cat "$file")
    export "$name=$value"
  fi
done

: "${REDIS_AUTH_PASSWORD:?REDIS_AUTH_PASSWORD is required}"
: "${REDIS_GUARD_PASSWORD:?REDIS_GUARD_PASSWORD is required}"
: "${REDIS_ORDERS_PASSWORD:?REDIS_ORDERS_PASSWORD is required}"
prefix="${AUTH_REDIS_PREFIX:-hybrid-auth:}"
stream="${prefix}${AUTH_REVOCATION_STREAM:-auth:revocations}"
acl="${REDIS_ACL_FILE:-/tmp/users.acl}"

# The same rule the services apply: one segment ending in ':', no glob characters.
case "$prefix" in
  *[!A-Za-z0-9_.:-]* | *:*:* | [!A-Za-z0-9]* | *[!:]) echo "invalid AUTH_REDIS_PREFIX" >&2; exit 1 ;;
esac
case "$stream" in
  *[!A-Za-z0-9_.:-]*) echo "invalid AUTH_REVOCATION_STREAM" >&2; exit 1 ;;
esac

hash() { printf '%s' "$1" | sha256sum | cut -d ' ' -f 1; }

# What a client needs to connect (HELLO with credentials, a connection name, PING) and
# nothing that reaches other clients or the server's configuration.
# INFO is ioredis's ready check (server statistics, no data).
connect='+hello +auth +ping +client|setname +client|id +select +info'
guard="%R~${stream} %R~${stream}:epoch -@all ${connect} +xread +xrange +get"

umask 077
cat > "$acl" <<ACL
user default off
user auth-service on #$(hash "$REDIS_AUTH_PASSWORD") resetchannels ~${prefix}* -@all ${connect} +get +set +del +mget +incr +decr +expire +ttl +multi +exec +eval +evalsha +xadd +xrange +xrevrange +xread +xlen
user guard on #$(hash "$REDIS_GUARD_PASSWORD") resetchannels ${guard}
user orders on #$(hash "$REDIS_ORDERS_PASSWORD") resetchannels ${guard} ~${prefix}orders:* +eval +evalsha +multi +exec +set +get +incrby +pttl +expire +del
ACL

exec redis-server --aclfile "$acl" "$@"
