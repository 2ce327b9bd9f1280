# syntax=docker/dockerfile:1
# boom-koppeling: build the TypeScript in one stage, run the compiled JavaScript in a slim one.
# The container always gets DATABASE_URL: server.ts and cli/migrate.ts load embedded-postgres only without
# it, so the runtime stage leaves its platform binaries (~60 MB, optional dependencies) out.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
# src/db/migrate.ts reads new URL('../../migrations/', import.meta.url) from dist/db/: /app/migrations.
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# dist/ui/plugin.js serves the BOOM TESTCENTRUM page from new URL('../../ui/', import.meta.url): /app/ui.
COPY ui ./ui
# Without OPERATOR_TOKEN the service writes its token to ./.data/operator-token: let it.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# As `npm start` (package.json): 8 MB semi-spaces keep the resident memory of large deliveries lower.
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=60", "dist/server.js"]
