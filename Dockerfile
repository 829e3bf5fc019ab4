# The worker image (also runs the emulator: `node dist/emulator/main.js`, and the codec server:
# `node dist/codec/main.js`). Build: docker build -t metastore-migrator .
#
# Node 22 LTS on Debian bookworm, pinned by the digest of its multi-platform index, so that a rebuild cannot pick
# up whatever the tag points at that day. The digest is node:22-bookworm-slim as published for Node 22.23.3 (it
# could not be checked against Docker Hub where this was written, which has no registry access; it is the one
# many public Dockerfiles and build logs pin for that release). Refresh it deliberately, and check it:
#   docker buildx imagetools inspect node:22-bookworm-slim
# then replace the digest below (or pass --build-arg NODE_IMAGE=node:22-bookworm-slim@sha256:<digest>).
# glibc (bookworm), not Alpine: @temporalio/core-bridge ships prebuilt native libraries for glibc.
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Dev dependencies (TypeScript, test tooling) are needed to build, not to run.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The source inventories recorded before cutover (METASTORE_MIGRATOR_INVENTORY_DIR in docker-compose.yml). Created
# here, owned by the user the worker runs as, before VOLUME: a fresh named volume is initialised from the image's
# directory, ownership included, so the worker can write to it without running as root.
RUN mkdir -p /var/lib/metastore-migrator/inventories \
  && chown -R node:node /var/lib/metastore-migrator \
  && chmod 0700 /var/lib/metastore-migrator/inventories
USER node
VOLUME ["/var/lib/metastore-migrator/inventories"]
CMD ["node", "dist/worker.js"]
