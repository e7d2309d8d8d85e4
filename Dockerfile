# OmniRoute as a container: the compiled single binary on the official Bun image, run as a non-root user.
# Exposed (production, 0.0.0.0): its secrets are generated into the /app/data volume and its first password is printed
# in `docker logs`; nothing secret is baked into the image.
# Targets: the default (last) stage is the slim gateway; `--target runner-cli` adds Claude Code, Codex CLI and
# Gemini CLI, configured to use the gateway running in the same container.
FROM oven/bun:1 AS build
WORKDIR /src
COPY package.json bun.lock ./
COPY scripts ./scripts
RUN bun install --frozen-lockfile
COPY . .
RUN bun run build:binary /src/dist/omniroute

# docker build --target runner-cli -t omniroute:cli .
# docker run -d --name omniroute -p 20128:20128 --env-file .env -e OMNIROUTE_API_KEY=sk-... -v omniroute-data:/app/data omniroute:cli
# docker exec -it omniroute claude      (also: codex, gemini; OMNIROUTE_MODEL picks their model)
FROM node:22-bookworm-slim AS runner-cli
ARG CLAUDE_CODE_VERSION=2.1.332
ARG CODEX_VERSION=0.169.0
ARG GEMINI_CLI_VERSION=0.61.0
RUN npm install -g --no-fund --no-audit \
      "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" "@openai/codex@${CODEX_VERSION}" "@google/gemini-cli@${GEMINI_CLI_VERSION}" \
  && npm cache clean --force \
  && apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOSTNAME=0.0.0.0 \
    PORT=20128 \
    DATA_DIR=/app/data \
    OMNIROUTE_URL=http://127.0.0.1:20128 \
    DISABLE_AUTOUPDATER=1 \
    DISABLE_TELEMETRY=1 \
    PATH=/opt/omniroute/bin:$PATH
RUN mkdir -p /app/data /home/node/.codex /home/node/.gemini /home/node/work && chown -R node:node /app /home/node && chmod 700 /app/data
COPY deploy/runner-cli/bin/ /opt/omniroute/bin/
COPY --chown=node:node deploy/runner-cli/codex-config.toml /home/node/.codex/config.toml
COPY --chown=node:node deploy/runner-cli/gemini-settings.json /home/node/.gemini/settings.json
COPY --from=build --chown=node:node /src/dist/omniroute /app/omniroute
USER node
WORKDIR /home/node/work
VOLUME ["/app/data"]
EXPOSE 20128
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 20128) + '/healthz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"]
CMD ["/app/omniroute"]

FROM oven/bun:1-slim
# Bun's fetch sends at most 256 requests at once unless told otherwise: more concurrent streams would queue.
ENV NODE_ENV=production \
    BUN_CONFIG_MAX_HTTP_REQUESTS=16384 \
    HOSTNAME=0.0.0.0 \
    PORT=20128 \
    DATA_DIR=/app/data
RUN mkdir -p /app/data && chown -R bun:bun /app && chmod 700 /app/data
COPY --from=build --chown=bun:bun /src/dist/omniroute /app/omniroute
USER bun
WORKDIR /app
VOLUME ["/app/data"]
EXPOSE 20128
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 20128) + '/healthz').then(r => process.exit(r.ok ? 0 : 1)).catch(() => process.exit(1))"]
CMD ["/app/omniroute"]
