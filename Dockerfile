# syntax=docker/dockerfile:1
# One image for the worker, the API and the migration job (the command picks the role).

FROM node:20.19-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-save --no-audit --no-fund
COPY . .
RUN npx prisma generate \
 && npx tsx scripts/build-workflow-bundle.ts

FROM node:20.19-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "api/main.ts"]
