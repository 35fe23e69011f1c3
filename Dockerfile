# syntax=docker/dockerfile:1
# Build stage: every dependency, then `npm run build` (tsc into dist/, the staff panel's browser
# bundle, the Prisma model snapshot).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies and dist/ only; `node` on the compiled code, no tsx,
# nothing bundled or parsed at start.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the Prisma client generated in the build stage is copied instead, and the
# embedded PostgreSQL (whose links a script makes) is not used where DATABASE_URL is set.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/node_modules/.prisma ./node_modules/.prisma
COPY --from=build /app/dist ./dist
# DATA_DIR (local development keys when Clerk is not configured) must be writable by the app's user.
RUN mkdir -p .data && chown node:node .data
USER node
ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
