import { defineJob } from '../jobs/job-definition.js';
import type { EventJob } from '../jobs/outbox.js';
import { PRODUCT_IMPORT_QUEUED, runImport, type ProductImportQueued } from './product-import.js';

export const PRODUCT_IMPORT_QUEUE = 'product-imports-run';

/** Every stored import run, run once by some worker (a run already finished inline is left alone). */
export const catalogJobs = [
  defineJob<EventJob<ProductImportQueued>>({
    name: PRODUCT_IMPORT_QUEUE,
    subscribesTo: [PRODUCT_IMPORT_QUEUED],
    // a worker killed mid-run rolls its transaction back: the run is taken again once the job expires
    queue: { retryLimit: 3, retryDelay: 30, expireInSeconds: 1800 },
    concurrency: 1,
    handler:
      ({ pool, logger }) =>
      async ({ importId }) => {
        await runImport(pool, importId, logger);
        return { importId };
      },
  }),
];
