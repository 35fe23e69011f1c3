// The contract's schemas of what the shop POSTs to endpoints (openapi/paths/webhooks.yaml `webhooks`).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openapi } from '../helpers/contract.js';

const ajv = new Ajv2020({ strict: false, allErrors: true });
const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv2020) => void }).default ?? (addFormatsModule as unknown as (a: Ajv2020) => void);
addFormats(ajv);
ajv.addSchema(openapi, 'openapi');

/** Why a delivered body breaks the contract's schema of its event, or undefined when it matches. */
export function payloadViolation(schema: 'OrderWebhookEvent' | 'StockLowWebhookEvent', body: unknown): string | undefined {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`) ?? ajv.compile({ $ref: `openapi#/components/schemas/${schema}` });
  return validate(body) ? undefined : ajv.errorsText(validate.errors);
}
