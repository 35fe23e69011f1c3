import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadOpenApi } from '../../src/shared/openapi.js';

type Operation = { responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }> };
type Doc = ReturnType<typeof loadOpenApi>;

export const openapi: Doc = loadOpenApi();

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormatsModule as unknown as { default: (a: Ajv2020) => void }).default?.(ajv) ?? (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(openapi, 'openapi');

// Answers any route may give without listing them: broken JSON, limits, rate limits, faults.
const GENERIC_PROBLEM_STATUSES = new Set([400, 408, 413, 415, 429, 431, 500, 503]);
// Not REST: the staff panel and the rendered docs.
const OUTSIDE_CONTRACT = /^\/(admin|docs)(\/|$)/;

const templates = Object.keys(openapi.paths).map((template) => ({
  template,
  pattern: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
}));

export function findTemplate(pathname: string): string | undefined {
  return templates.find((t) => t.pattern.test(pathname))?.template;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorFor(ref: string) {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

type CheckedResponse = { status: number; headers: Record<string, string | undefined>; body: unknown; text?: string };

/** Returns why a real response breaks the contract, or undefined when it matches. */
export function contractViolation(method: string, url: string, res: CheckedResponse): string | undefined {
  const pathname = new URL(url, 'http://x').pathname;
  if (OUTSIDE_CONTRACT.test(pathname)) return undefined;
  const where = `${method.toUpperCase()} ${pathname} -> ${res.status}`;
  const contentType = (res.headers['content-type'] ?? '').split(';')[0].trim();
  // Like Express's (non-strict) routing, one trailing slash names the same route.
  const template = findTemplate(pathname.replace(/(.)\/$/, '$1'));
  const operation = template ? ((openapi.paths[template] as Record<string, Operation>)[method.toLowerCase()]) : undefined;
  const isProblem = contentType === 'application/problem+json';
  let responseRef: string | undefined;
  let response = operation?.responses?.[String(res.status)] ?? operation?.responses?.[`${String(res.status)[0]}XX`];
  if (response) {
    responseRef = `openapi#/${pointer('paths', template!, method.toLowerCase(), 'responses', operation!.responses![String(res.status)] ? String(res.status) : `${String(res.status)[0]}XX`)}`;
    if (response.$ref) {
      responseRef = `openapi${response.$ref}`;
      const name = response.$ref.split('/').pop()!;
      response = (openapi.components.responses as Record<string, typeof response>)[name];
    }
  } else if (isProblem && (GENERIC_PROBLEM_STATUSES.has(res.status) || (!operation && (res.status === 404 || res.status === 405)))) {
    return schemaViolation('openapi#/components/schemas/Problem', res.body, where);
  } else {
    return `${where}: not in the OpenAPI contract`;
  }
  if (!response?.content || res.status === 204 || res.status === 304) return undefined;
  const media = response.content[contentType];
  if (!media) return `${where}: content type ${contentType || '(none)'} is not in the contract (${Object.keys(response.content).join(', ')})`;
  if (!media.schema) return undefined;
  const schemaRef = `${responseRef}/${pointer('content', contentType, 'schema')}`;
  const body = contentType.includes('json') ? res.body : res.text;
  return schemaViolation(schemaRef, body, where);
}

function schemaViolation(ref: string, body: unknown, where: string): string | undefined {
  const validate = validatorFor(ref);
  if (validate(body)) return undefined;
  return `${where}: body does not match the contract: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${JSON.stringify(body).slice(0, 500)}`;
}
