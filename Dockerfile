# syntax=docker/dockerfile:1
#
# One image for every Fairport process; the command picks the role:
#   node dist/server/main.js        HTTP API, Socket.IO and the built client (default)
#   node dist/workers/main.js       BullMQ worker
#   node dist/scripts/migrate.js    creates the database, enables PostGIS, applies migrations
#   node dist/scripts/seed-demo.js  loads the demo projects and datasets

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install every dependency, build the client and compile the server ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# The lockfile is written by npm 11. Node 20 images ship npm 10, with which Vite 8 failed to
# install on our development machines.
RUN npm install --global npm@11 --no-audit --no-fund

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY . .
RUN npm run build:client && npm run build:server

# Leave only the runtime dependencies for the final stage.
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and build output only ----
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    UPLOAD_DIR=/var/lib/fairport/uploads

WORKDIR /app

COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/client/dist ./client/dist

# A named volume mounted here copies this owner on first use, so the unprivileged user can write.
RUN mkdir -p "$UPLOAD_DIR" && chown node:node "$UPLOAD_DIR"

# The `node` user (uid 1000) comes with the official Node.js image. The code stays root-owned,
# so a compromised process cannot rewrite it.
USER node

EXPOSE 3000

# Checks the server only; Compose turns this off for the worker and the one-shot commands.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/api/v1/health`).then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/server/main.js"]
