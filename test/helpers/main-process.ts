// `npm start` as a real process: src/main.ts under tsx, with only the environment a test gives it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { removeEmbeddedData } from '../../src/shared/embedded-postgres.js';

/** A fresh DATA_DIR; removeDataDirs() deletes them, and the data behind `pg` when it is a link (as root). */
const dataDirs: string[] = [];
export function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'shop-main-'));
  dataDirs.push(dir);
  return dir;
}
export function removeDataDirs() {
  for (const dir of dataDirs.splice(0)) {
    removeEmbeddedData(path.join(dir, 'pg'));
    rmSync(dir, { recursive: true, force: true });
  }
}

export type MainProcess = {
  /** everything it printed so far, stdout and stderr */
  output(): string;
  /** resolves with the first match of `pattern` in its output; rejects if it exits first */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** resolves when it exits (it is killed after 90 s) */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function startMain(env: Record<string, string>): MainProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      CLERK_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const watchers = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk;
    for (const watcher of watchers) watcher();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      for (const watcher of watchers) watcher();
      resolve({ code, signal });
    }),
  );
  return {
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            watchers.delete(check);
            return resolve(match);
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            watchers.delete(check);
            reject(new Error(`src/main.ts exited before printing ${pattern}:\n${output}`));
          }
        };
        watchers.add(check);
        check();
      }),
    stop: () => (child.kill('SIGTERM'), exited),
  };
}
