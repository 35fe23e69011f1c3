import { defineJob } from '../jobs/job-definition.js';
import type { EventJob } from '../jobs/outbox.js';
import { PRODUCT_IMPORT_QUEUED, runImport, type ProductImportQueued } from './product-import.js';

export const PRODUCT_IMPORT_QUEUE = 'product-imports-run';

/** Every stored import run, run once by some worker (a run already finished is left alone). */
export const catalogJobs = [
  defineJob<EventJob<ProductImportQueued>>({
    name: PRODUCT_IMPORT_QUEUE,
    subscribesTo: [PRODUCT_IMPORT_QUEUED],
    // a worker killed mid-run rolls its transaction back: the run is taken again once the job expires
    queue: { retryLimit: 3, retryDelay: 30, expireInSeconds: 900 },
    concurrency: 1,
    handler:
      ({ pool, logger }) =>
      async ({ importId }) => {
        const outcome = await runImport(pool, importId, logger);
        // another process holds the run (the request that brought a small file, or a dying
        // worker's transaction not yet rolled back): try again later, until it is finished
        if (outcome === 'busy') throw new Error(`product import ${importId} is being run by another process; retrying`);
        return { importId, outcome };
      },
  }),
];
