# OmniRoute as a container: the compiled single binary on the official Bun image, run as a non-root user.
FROM oven/bun:1 AS build
WORKDIR /src
COPY package.json bun.lock ./
COPY scripts ./scripts
RUN bun install --frozen-lockfile
COPY . .
RUN bun run build:binary /src/dist/omniroute

FROM oven/bun:1-slim
# Bun's fetch sends at most 256 requests at once unless told otherwise: more concurrent streams would queue.
ENV NODE_ENV=production \
    BUN_CONFIG_MAX_HTTP_REQUESTS=16384 \
    HOSTNAME=0.0.0.0 \
    PORT=20128 \
    DATA_DIR=/app/data
RUN mkdir -p /app/data && chown -R bun:bun /app
COPY --from=build --chown=bun:bun /src/dist/omniroute /app/omniroute
USER bun
WORKDIR /app
VOLUME ["/app/data"]
EXPOSE 20128
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 20128) + '/healthz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"]
CMD ["/app/omniroute"]
