# One multi-stage Dockerfile for the four services; the app is a build argument:
#   docker build --build-arg APP=auth-service --build-arg PORT=3000 -t hybrid-auth/auth-service .
# Node 22 LTS (maintained until 2027-04): the apps load NestJS 12's ESM-only packages through
# require(esm), which needs Node >= 20.19; CI exercises the same code natively on Node 20.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: full install, compile every project --------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV SCARF_ANALYTICS=false NX_DAEMON=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json nx.json tsconfig.base.json ./
COPY libs/auth-guard/package.json libs/auth-guard/
COPY libs/platform/package.json libs/platform/
COPY libs/database/package.json libs/database/
COPY apps/auth-service/package.json apps/auth-service/
COPY apps/catalog-service/package.json apps/catalog-service/
COPY apps/orders-service/package.json apps/orders-service/
COPY apps/billing-service/package.json apps/billing-service/
RUN npm ci --no-audit --no-fund
COPY libs libs
COPY apps apps
RUN npx nx run-many -t build --outputStyle=static

# --- mail catcher (development only): MailDev and its dependency tree, copied out of the
# build's install (the versions package-lock.json pins, nothing downloaded again) ----------
# Before `deploy`: the classic builder builds every stage up to its target, and this one
# needs no APP.
FROM build AS mail-catcher-deploy
RUN mkdir -p /deploy \
 && npm query '#maildev, #maildev *' \
    | node -e 'for (const p of JSON.parse(require("fs").readFileSync(0))) console.log(p.location)' \
    | sort -u | tar -cf - -T - | tar -xf - -C /deploy \
 && test -f /deploy/node_modules/maildev/dist/bin/maildev.js

FROM ${NODE_IMAGE} AS mail-catcher
# Web UI and REST API on 1080, SMTP on 1025, mail kept in memory only.
ENV NODE_ENV=production MAILDEV_WEB_PORT=1080 MAILDEV_SMTP_PORT=1025 \
    MAILDEV_IP=0.0.0.0 MAILDEV_WEB_IP=0.0.0.0
WORKDIR /srv
COPY --from=mail-catcher-deploy /deploy /srv
USER node
EXPOSE 1080 1025
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "node_modules/maildev/dist/bin/healthcheck.js"]
STOPSIGNAL SIGTERM
CMD ["node", "node_modules/maildev/dist/bin/maildev.js"]

# --- deploy: one app with its production dependencies only ---------------------------------
# (from the npm cache the build stage filled: --prefer-offline downloads nothing again)
FROM build AS deploy
ARG APP
RUN test -n "$APP" && mkdir -p /deploy \
 && cp package.json package-lock.json /deploy/ \
 && for dir in libs/auth-guard libs/platform libs/database apps/$APP; do \
      mkdir -p /deploy/$dir && cp -r $dir/package.json $dir/dist /deploy/$dir/; \
    done \
 && cd /deploy && npm ci --omit=dev --prefer-offline --no-audit --no-fund --workspace apps/$APP \
    --workspace libs/auth-guard --workspace libs/platform --workspace libs/database

# --- runtime: small, non-root, no compiler, no sources -------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
ARG PORT
ENV NODE_ENV=production APP=${APP} PORT=${PORT} LOG_FORMAT=json
WORKDIR /srv
# Owned by root: the process (node) can read its code but not change it.
COPY --from=deploy /deploy /srv
# Mount point of the signing-key volume (compose): owned by the runtime user.
RUN mkdir -p /keys && chown node:node /keys
USER node
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node apps/$APP/dist/main.js"]
