// Prints the counts every reliability test reported, so the run's output ends with them.
import { existsSync, readFileSync } from 'node:fs';
import globalTeardown from '../setup/global-teardown.mjs';

export default async function reliabilityTeardown() {
  await globalTeardown();
  const report = process.env.RELIABILITY_REPORT;
  const lines = report && existsSync(report) ? readFileSync(report, 'utf8').trim() : '';
  process.stdout.write(`\nReliability counts:\n${lines || '(no test reported counts)'}\n`);
}
