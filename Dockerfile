# syntax=docker/dockerfile:1
# One image for the worker, the API and the one-shot jobs (the command picks the role): compiled
# JavaScript and production dependencies only. `docker compose` builds it; see README, "The full stack
# with Docker".

# 1. Compile: every dependency, the Prisma client, tsc, and the prebuilt workflow bundle.
FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# Prisma's CLI checks for native engine files it does not run (engine 'js', driver adapter): an empty
# placeholder stops it downloading them.
RUN touch /tmp/no-native-engine \
 && PRISMA_QUERY_ENGINE_LIBRARY=/tmp/no-native-engine PRISMA_SCHEMA_ENGINE_BINARY=/tmp/no-native-engine \
    npx prisma generate \
 && npx tsc -p tsconfig.build.json \
 && npx tsx scripts/build-workflow-bundle.ts

# 2. Production dependencies only (no jest, playwright, tsx, eslint, embedded PostgreSQL). Install
#    scripts are skipped: the Prisma client is generated in stage 1 and no native engine is used. The
#    Temporal core bridge ships a native module per platform; only this one is kept.
FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
 && keep="$(node -p "require('@temporalio/core-bridge/common').getPrebuiltTargetName()")" \
 && find node_modules/@temporalio/core-bridge/releases -mindepth 1 -maxdepth 1 ! -name "$keep" -exec rm -rf {} + \
 && rm -rf node_modules/@temporalio/core-bridge/sdk-core

# 3. Runtime: the compiled tree at /app (scripts find prisma/ and node_modules/ beside them).
FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    WORKFLOW_BUNDLE_PATH=/app/workflow-bundle.js
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./
COPY package.json ./
COPY prisma ./prisma
USER node
EXPOSE 3000
CMD ["node", "api/main.js"]
