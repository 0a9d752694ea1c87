# router-audit: one image for the bot and the site agents (see docker-compose.yml and the README's
# "Deployment" section). Build: docker build -t router-audit .
FROM node:20-bookworm-slim AS build
# better-sqlite3 falls back to compiling when no prebuilt binary fits
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY content ./content
COPY wasm ./wasm
COPY src ./src
COPY lab ./lab
COPY bench ./bench
COPY scripts ./scripts
# npm ci runs the build (prepare); then drop the dev tools
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
# iproute2: the scanner reads the neighbour table and routes like `ip` does
RUN apt-get update && apt-get install -y --no-install-recommends iproute2 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
ENV NODE_ENV=production
USER node
# the bot by default; `router-audit agent --site NAME` for an agent (see docker-compose.yml)
CMD ["node", "dist/src/main.js"]
