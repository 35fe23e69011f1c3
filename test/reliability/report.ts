// Counts each reliability test adds to, printed once at the end of the run.
import { appendFileSync } from 'node:fs';

export function reportCounts(suite: string, counts: Record<string, number | string>) {
  const line = `${suite}: ${Object.entries(counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}`;
  process.stdout.write(`[reliability] ${line}\n`);
  if (process.env.RELIABILITY_REPORT) appendFileSync(process.env.RELIABILITY_REPORT, line + '\n');
}
