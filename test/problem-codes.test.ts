// One source of truth for error codes: PROBLEM_CODES (src/shared/errors.ts), which every
// AppError takes its code and status from. The contract must list the same codes, and every
// operation must declare, per status, which of them it answers.
import { PROBLEM_CODES } from '../src/shared/errors.js';
import { openapi, problemCodesOf, type ContractOperation } from './helpers/contract.js';

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, ContractOperation>)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
);
const resolve = (response: { $ref?: string }) =>
  (response.$ref ? (openapi.components.responses as Record<string, unknown>)[response.$ref.split('/').pop()!] : response) as {
    content?: Record<string, { schema?: object }>;
  };
const problemAnswers = operations.flatMap(({ route, op }) =>
  Object.entries(op.responses ?? {})
    .map(([status, response]) => ({ route, status: Number(status), schema: resolve(response).content?.['application/problem+json']?.schema }))
    .filter((a) => a.schema),
);

describe('problem codes', () => {
  test('when the contract lists Problem.code, then it is exactly the codes of PROBLEM_CODES', () => {
    const declared = (openapi.components.schemas as Record<string, { enum?: string[] }>).ProblemCode.enum ?? [];
    expect([...declared].sort()).toEqual(Object.keys(PROBLEM_CODES).sort());
  });

  test('when an operation answers a problem, then it lists its codes, each one of that status', () => {
    const wrong = problemAnswers.flatMap(({ route, status, schema }) => {
      const codes = problemCodesOf(schema);
      if (!codes?.length) return [`${route} ${status}: lists no codes`];
      return codes
        .filter((c) => PROBLEM_CODES[c as keyof typeof PROBLEM_CODES] !== status)
        .map((c) => `${route} ${status}: ${c} is a ${PROBLEM_CODES[c as keyof typeof PROBLEM_CODES]} code`);
    });
    expect(wrong).toEqual([]);
  });

  test('when a code exists, then some operation declares it (the router 404 aside, which answers where no operation is)', () => {
    const answered = new Set(problemAnswers.flatMap((a) => problemCodesOf(a.schema) ?? []));
    expect(Object.keys(PROBLEM_CODES).filter((c) => !answered.has(c) && c !== 'ROUTE_NOT_FOUND')).toEqual([]);
  });

  test('when any request may be refused before its route, then every operation declares it (400, 408, 431, 500)', () => {
    const missing = operations.flatMap(({ route, op }) => ['400', '408', '431', '500'].filter((s) => !op.responses?.[s]).map((s) => `${route} ${s}`));
    expect(missing).toEqual([]);
  });
});
