# dialstate in a container: `docker build -t dialstate .`; Compose example in
# deploy/compose.yaml; README, "Install and operate".

# Build stage: compiles the TypeScript and the web UI, and better-sqlite3 where no
# prebuilt binary is fetched (hence python3, make and g++, which stay in this stage).
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
           node_modules/better-sqlite3/build/Release/obj.target

# Runtime stage: Node and the production files only, run as the image's unprivileged
# `node` user (uid 1000).
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DIALSTATE_DATA_DIR=/var/lib/dialstate
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/assets ./assets
COPY --from=build /app/dialplan ./dialplan
RUN mkdir -p /var/lib/dialstate && chown node:node /var/lib/dialstate
USER node
VOLUME ["/var/lib/dialstate"]
EXPOSE 3000
# /health: 200 when the database, ARI and the scheduler are up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.DIALSTATE_HTTP_PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM is the graceful stop (give it time: `docker stop -t 30`, stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve"]
