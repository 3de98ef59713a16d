#!/usr/bin/env bash
# Creates the secrets docker-compose.yml mounts (./secrets, git-ignored), each once: database
# passwords, Redis ACL passwords, the revocation-feed secret and the key that encrypts what
# auth-service keeps in its database (AUTH_SECRETS_KEY), each 32 random bytes as base64url.
# Existing files are kept, so running it again changes nothing (delete a file and its volume
# to change it).
#   bash deploy/compose-secrets.sh [directory]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-secrets}
names=(auth_db_password app_db_password catalog_db_password orders_db_password revocations_secret
  redis_auth_password redis_guard_password redis_orders_password secrets_key)

# Only this user may list or enter the directory; the files themselves are readable by all,
# because Compose bind-mounts them as they are and the services read them as other users
# (node, postgres) than the one creating them.
mkdir -p "$dir"
chmod 700 "$dir"
for name in "${names[@]}"; do
  file="$dir/$name"
  [ -s "$file" ] && continue
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$file.tmp"
  chmod 644 "$file.tmp"
  mv "$file.tmp" "$file"
  echo "created $file"
done

# A key pair per calling service and auth-service's clients file (docs/service-identity.md).
# Node makes them; without Node on this machine, the image's Node does.
if command -v node >/dev/null; then
  node deploy/service-keys.mjs "$dir"
else
  docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/deploy:/deploy:ro" -v "$PWD/$dir:/out" \
    node:20-alpine node /deploy/service-keys.mjs /out
fi
