import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadOpenApi } from '../../src/shared/openapi.js';
import { PROBLEM_CODES, type ProblemCode } from '../../src/shared/errors.js';

type Ref = { $ref?: string };
type Header = Ref & { required?: boolean; schema?: unknown };
type Schema = Ref & { allOf?: Schema[]; anyOf?: Schema[]; oneOf?: Schema[]; properties?: Record<string, Schema>; const?: unknown; enum?: unknown[] };
export type ContractResponse = Ref & { headers?: Record<string, Header>; content?: Record<string, { schema?: Schema }> };
export type ContractOperation = { operationId?: string; responses?: Record<string, ContractResponse> };
type Doc = ReturnType<typeof loadOpenApi>;

export const openapi: Doc = loadOpenApi();

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under ESM its function arrives as the module or as its default export.
const addFormats = (addFormatsModule as unknown as { default?: (a: Ajv2020) => void }).default ?? (addFormatsModule as unknown as (a: Ajv2020) => void);
addFormats(ajv);
ajv.addSchema(openapi, 'openapi');

// What a request for no operation of the contract may get: the router's 404, or a refusal by
// the layers before routing (Node's parser, the body parsers, the rate limit, a fault).
const UNROUTED_PROBLEMS = new Set<ProblemCode>([
  'ROUTE_NOT_FOUND',
  'BAD_REQUEST',
  'MALFORMED_BODY',
  'REQUEST_TIMEOUT',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_ENCODING',
  'RATE_LIMITED',
  'HEADERS_TOO_LARGE',
  'INTERNAL_ERROR',
]);
// Not REST: the staff panel and the rendered docs.
const OUTSIDE_CONTRACT = /^\/(admin|docs)(\/|$)/;
// Headers a client acts on. Sending one that the answer's declaration does not list breaks the contract.
const CONTRACT_HEADERS = ['etag', 'location', 'retry-after', 'ratelimit', 'ratelimit-policy', 'idempotent-replayed', 'x-cart-token'];

const templates = Object.keys(openapi.paths).map((template) => ({
  template,
  pattern: new RegExp(
    '^' +
      template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{[^}]+\\?\}/g, '[^/]+')
        .replace(/\{[^}]+\}/g, '[^/]+') +
      '$',
  ),
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

/** Follows a local `#/components/...` reference (siblings such as `description` only annotate). */
function resolve<T extends Ref>(node: T): { node: T; ref?: string } {
  if (!node.$ref) return { node };
  const target = node.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, part) => (at as Record<string, unknown>)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], openapi) as T;
  return { node: target, ref: `openapi${node.$ref}` };
}

/** The problem codes a response schema allows: the `code` const/enum of its parts, or undefined when it names none. */
export function problemCodesOf(schema: Schema | undefined): string[] | undefined {
  if (!schema) return undefined;
  const { node } = resolve(schema);
  if (node === openapi.components.schemas.Problem) return undefined;
  const code = node.properties?.code;
  const own = code?.const !== undefined ? [String(code.const)] : code?.enum?.map(String);
  if (own) return own;
  const parts = [...(node.allOf ?? []), ...(node.anyOf ?? []), ...(node.oneOf ?? [])].map(problemCodesOf).filter((c): c is string[] => !!c);
  return parts.length ? [...new Set(parts.flat())] : undefined;
}

export function operationAt(template: string, method: string): ContractOperation | undefined {
  return (openapi.paths[template] as Record<string, ContractOperation> | undefined)?.[method.toLowerCase()];
}

type CheckedResponse = { status: number; headers: Record<string, string | string[] | undefined>; body: unknown; text?: string };

/** Returns why a real response breaks the contract, or undefined when it matches. */
export function contractViolation(method: string, url: string, res: CheckedResponse): string | undefined {
  // Express routes ignore one trailing slash (non-strict routing): /api/categories/ is /api/categories
  const pathname = new URL(url, 'http://x').pathname.replace(/(.)\/$/, '$1');
  if (OUTSIDE_CONTRACT.test(pathname)) return undefined;
  const where = `${method.toUpperCase()} ${pathname} -> ${res.status}`;
  const contentType = String(res.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();
  const template = findTemplate(pathname);
  const operation = template ? operationAt(template, method) : undefined;
  if (!operation) {
    // No such operation: only the router's 404, or a refusal made before routing, may answer.
    const code = (res.body as { code?: string })?.code as ProblemCode;
    if (contentType === 'application/problem+json' && UNROUTED_PROBLEMS.has(code) && PROBLEM_CODES[code] === res.status) {
      return schemaViolation('openapi#/components/schemas/Problem', res.body, where);
    }
    return `${where}: not in the OpenAPI contract`;
  }
  const status = String(res.status);
  const key = operation.responses?.[status] ? status : `${status[0]}XX`;
  const declared = operation.responses?.[key];
  if (!declared) return `${where}: status not declared by ${operation.operationId} (declared: ${Object.keys(operation.responses ?? {}).join(', ')})`;
  const resolved = resolve(declared);
  const response = resolved.node;
  const responseRef = resolved.ref ?? `openapi#/${pointer('paths', template!, method.toLowerCase(), 'responses', key)}`;
  const headerViolation = headersViolation(response, responseRef, res.headers, where);
  if (headerViolation) return headerViolation;

  if (!response.content || res.status === 204 || res.status === 304) return undefined;
  const media = response.content[contentType];
  if (!media) return `${where}: content type ${contentType || '(none)'} is not in the contract (${Object.keys(response.content).join(', ')})`;
  if (!media.schema) return undefined;
  if (contentType === 'application/problem+json') {
    const codes = problemCodesOf(media.schema);
    const code = (res.body as { code?: unknown })?.code;
    if (!codes) return `${where}: the contract lists no problem codes for this answer`;
    if (!codes.includes(String(code))) return `${where}: problem code ${String(code)} is not one ${operation.operationId} lists here (${codes.join(', ')})`;
  }
  const body = contentType.includes('json') ? res.body : res.text;
  return schemaViolation(`${responseRef}/${pointer('content', contentType, 'schema')}`, body, where);
}

function headersViolation(response: ContractResponse, responseRef: string, headers: CheckedResponse['headers'], where: string): string | undefined {
  const declared = new Map(Object.entries(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), { name, header }]));
  for (const name of CONTRACT_HEADERS) {
    if (headers[name] !== undefined && !declared.has(name)) return `${where}: header ${name} is sent but not declared for this answer`;
  }
  for (const [lower, { name, header }] of declared) {
    const value = headers[lower];
    const { node, ref } = resolve(header);
    if (value === undefined) {
      if (node.required) return `${where}: required header ${name} is missing`;
      continue;
    }
    if (!node.schema) continue;
    const schemaRef = `${ref ?? `${responseRef}/${pointer('headers', name)}`}/schema`;
    const validate = validatorFor(schemaRef);
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (!validate(text)) return `${where}: header ${name}: ${JSON.stringify(text)} does not match the contract: ${ajv.errorsText(validate.errors)}`;
  }
  return undefined;
}

function schemaViolation(ref: string, body: unknown, where: string): string | undefined {
  const validate = validatorFor(ref);
  if (validate(body)) return undefined;
  return `${where}: body does not match the contract: ${ajv.errorsText(validate.errors, { separator: '; ' })}\n${JSON.stringify(body).slice(0, 500)}`;
}

/** Why a value breaks one of the contract's component schemas (a webhook's body), or undefined when it matches. */
export const componentViolation = (schema: string, value: unknown): string | undefined =>
  schemaViolation(`openapi#/components/schemas/${schema}`, value, `#/components/schemas/${schema}`);
