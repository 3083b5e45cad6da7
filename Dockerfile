# syntax=docker/dockerfile:1
#
# IPS job service image. One image, two roles chosen by the command:
#   docker run … ips-job-service api      (HTTP API on $PORT, default 8080; the default command)
#   docker run … ips-job-service worker   (Temporal worker)
# Both need TEMPORAL_ADDRESS (the `all` role's built-in dev server needs the
# temporal CLI, which this image does not ship).

# ---------------------------------------------------------------------------
# build: native addons + TypeScript
# ---------------------------------------------------------------------------
FROM node:20-bookworm AS build

# better-sqlite3 compiles from source (python3, make, g++);
# ghostscript4js compiles against Ghostscript's headers and libgs.so (libgs-dev).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libgs-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY package.json package-lock.json ./
# ghostscript4js links "$GS4JS_HOME/libgs.so" and defaults GS4JS_HOME to
# /usr/lib/x86_64-linux-gnu; point it at this platform's multiarch directory so
# arm64 builds work too.
RUN GS4JS_HOME="/usr/lib/$(gcc -print-multiarch)" npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts/bundle-workflows.mjs ./scripts/
# dist/src, dist/workflows (+ the prebuilt workflow bundle), dist/activities; then drop devDependencies
# (the compiled addons stay in node_modules).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

# libgs10: the shared library ghostscript4js was linked against; ghostscript: the
# gs tools and their resource files/fonts; ffmpeg: ffmpeg + ffprobe for video uploads.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgs10 ghostscript ffmpeg \
 && rm -rf /var/lib/apt/lists/*

# MALLOC_ARENA_MAX=2: fewer glibc arenas, far less heap fragmentation under sharp/libvips.
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data

WORKDIR /app

# Application files stay root-owned (read-only for the app user).
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# DATA_DIR: this container's own files (with STORAGE_DRIVER=s3, local copies of
# objects for the image tools and scratch files; with local storage, the store and
# the SQLite fallback). Owned by the non-root user so that a fresh volume mounted
# here, named or anonymous, inherits that ownership.
RUN mkdir -p /app/data && chown node:node /app/data

# Non-root: the "node" user (uid 1000) that the official image provides.
USER node

EXPOSE 8080

# For the api role. The slim image has neither curl nor wget, so use Node's
# fetch. 127.0.0.1 rather than localhost: the server binds IPv4 0.0.0.0.
# The worker role serves no HTTP: disable or override this check for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["api"]
