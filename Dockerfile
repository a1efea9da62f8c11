# Vendor Response Portal: one image for the web server, the job worker and `portal` CLI commands.
#   docker build -t vendor-response-portal .
# See docker-compose.yml for a complete stack. Production must sit behind a TLS-terminating proxy.

# ---- build: compile TypeScript, then keep only production dependencies -------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app

COPY package.json package-lock.json ./
# The sources must be present before `npm ci`: the package's "prepare" script compiles them.
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY migrations ./migrations

RUN npm ci --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Runtime files that live beside the sources (found through PROJECT_ROOT/server/...), e.g. the
# common-password list; the TypeScript itself is not shipped.
RUN mkdir -p /assets \
 && cp -r server /assets/server \
 && find /assets/server -name '*.ts' -delete \
 && find /assets/server -type d -empty -delete \
 && mkdir -p /assets/server

# ---- runtime ------------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data \
    UPLOADS_DIR=/app/uploads
WORKDIR /app

# Application files stay owned by root (read-only to the app); only data and uploads are writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /assets/server ./server
COPY views ./views
COPY public ./public
COPY bin ./bin

RUN mkdir -p /app/data /app/uploads \
 && chown node:node /app/data /app/uploads

USER node
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('node:http').get('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).setTimeout(4000, () => process.exit(1))"]

CMD ["node", "--heap-growing-percent=300", "dist/server/main.js"]
