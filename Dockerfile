# The worker image (also runs the emulator: `node dist/emulator/main.js`). Build: docker build -t metastore-migrator .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Dev dependencies (TypeScript, test tooling) are needed to build, not to run.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# glibc (bookworm), not Alpine: @temporalio/core-bridge ships prebuilt native libraries for glibc.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
CMD ["node", "dist/worker.js"]
