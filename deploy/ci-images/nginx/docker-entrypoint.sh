#!/usr/bin/env bash
# The official nginx image's entrypoint, reduced: /docker-entrypoint.d scripts, then each
# /etc/nginx/templates/*.template rendered into /etc/nginx/conf.d with only the variables that
# are set substituted (nginx's own $variables stay as they are).
set -euo pipefail
if [ "${1:-}" = nginx ]; then
  for script in /docker-entrypoint.d/*.sh; do [ -x "$script" ] && "$script"; done
  defined=$(printf '${%s} ' $(env | cut -d= -f1))
  for template in /etc/nginx/templates/*.template; do
    [ -f "$template" ] || continue
    output=/etc/nginx/conf.d/$(basename "$template" .template)
    envsubst "$defined" <"$template" >"$output"
  done
fi
exec "$@"
