// Loaded into the Prisma CLI only (test/migrations.test.ts runs it beside src/shared/migrate.ts). The Wasm schema engine arms a 10 s
// timer that keeps the CLI alive long after `migrate deploy` is done; unref'd, the process
// exits as soon as its work is.
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = function setTimeoutUnrefLong(callback, ms, ...args) {
  const timer = setTimeoutOriginal(callback, ms, ...args);
  if (ms >= 5000) timer.unref?.();
  return timer;
};
