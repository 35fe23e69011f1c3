// The reliability run's counts go to one file that every test file appends to (report.ts);
// set here, before the workers start, so they inherit it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import globalSetup from '../setup/global-setup.mjs';

export default async function reliabilitySetup(globalConfig, projectConfig) {
  process.env.RELIABILITY_REPORT ||= path.join(mkdtempSync(path.join(tmpdir(), 'shop-reliability-')), 'counts.txt');
  await globalSetup(globalConfig, projectConfig);
}
