import { contractViolation } from './helpers/contract.js';

const json = { 'content-type': 'application/json; charset=utf-8' };
const problem = { 'content-type': 'application/problem+json; charset=utf-8' };
const problemBody = (status: number, code: string) => ({ type: 'https://shop.example/problems/x', title: 'x', status, code });

describe('the contract checker used on every test response', () => {
  test('when a body matches its schema, then it passes', () => {
    expect(contractViolation('GET', '/healthz', { status: 200, headers: json, body: { status: 'ok' } })).toBeUndefined();
  });

  test('when a path carries a trailing slash, then it is checked as the route Express served', () => {
    expect(contractViolation('GET', '/healthz/', { status: 200, headers: json, body: { status: 'ok' } })).toBeUndefined();
    expect(contractViolation('GET', '/healthz/', { status: 200, headers: json, body: { status: 'fine' } })).toMatch(/does not match/);
  });

  test('when a body breaks its schema, then it names the mismatch', () => {
    expect(contractViolation('GET', '/healthz', { status: 200, headers: json, body: { status: 'fine' } })).toMatch(/does not match/);
  });

  test('when a status is not declared by the operation, then it fails, problem or not', () => {
    expect(contractViolation('GET', '/healthz', { status: 418, headers: json, body: {} })).toMatch(/status not declared by healthz/);
    // /healthz does not touch the database: a 503 there is not in its contract
    expect(
      contractViolation('GET', '/healthz', { status: 503, headers: { ...problem, 'retry-after': '2' }, body: problemBody(503, 'SERVICE_UNAVAILABLE') }),
    ).toMatch(/status not declared/);
    expect(contractViolation('GET', '/api/products', { status: 429, headers: problem, body: problemBody(429, 'RATE_LIMITED') })).toMatch(/status not declared/);
  });

  test('when a problem carries a code the operation does not list for that status, then it fails', () => {
    expect(contractViolation('GET', '/api/cart', { status: 401, headers: problem, body: problemBody(401, 'FORBIDDEN') })).toMatch(
      /problem code FORBIDDEN is not one getCart lists here \(UNAUTHENTICATED\)/,
    );
    expect(contractViolation('GET', '/healthz', { status: 400, headers: problem, body: problemBody(400, 'VALIDATION_FAILED') })).toMatch(
      /not one healthz lists/,
    );
    expect(contractViolation('GET', '/api/products', { status: 400, headers: problem, body: problemBody(400, 'VALIDATION_FAILED') })).toBeUndefined();
  });

  test('when a declared problem is not shaped as a Problem, then it fails', () => {
    expect(contractViolation('GET', '/readyz', { status: 500, headers: problem, body: { code: 'INTERNAL_ERROR', oops: true } })).toMatch(/does not match/);
  });

  test('when a contract header is sent where the answer does not declare it, then it fails', () => {
    expect(contractViolation('GET', '/api/me', { status: 401, headers: { ...problem, etag: '"x"' }, body: problemBody(401, 'UNAUTHENTICATED') })).toMatch(
      /header etag is sent but not declared/,
    );
    expect(contractViolation('GET', '/healthz', { status: 200, headers: { ...json, ratelimit: '"writes"; r=1; t=1' }, body: { status: 'ok' } })).toMatch(
      /header ratelimit is sent but not declared/,
    );
    expect(contractViolation('GET', '/healthz', { status: 200, headers: { ...json, etag: '"1-abc"' }, body: { status: 'ok' } })).toBeUndefined();
  });

  test('when a required header is missing or a header breaks its schema, then it fails', () => {
    const unavailable = problemBody(503, 'SERVICE_UNAVAILABLE');
    expect(contractViolation('GET', '/readyz', { status: 503, headers: problem, body: unavailable })).toMatch(/required header Retry-After is missing/);
    expect(contractViolation('GET', '/readyz', { status: 503, headers: { ...problem, 'retry-after': 'soon' }, body: unavailable })).toMatch(
      /header Retry-After: "soon" does not match/,
    );
    expect(contractViolation('GET', '/readyz', { status: 503, headers: { ...problem, 'retry-after': '2' }, body: unavailable })).toBeUndefined();
  });

  test('when a route is not documented, then only the router 404 or a refusal before routing passes', () => {
    expect(contractViolation('GET', '/api/undocumented', { status: 200, headers: json, body: {} })).toMatch(/not in the OpenAPI contract/);
    expect(contractViolation('GET', '/api/undocumented', { status: 404, headers: problem, body: problemBody(404, 'ROUTE_NOT_FOUND') })).toBeUndefined();
    expect(contractViolation('PUT', '/api/cart', { status: 404, headers: problem, body: problemBody(404, 'NOT_FOUND') })).toMatch(
      /not in the OpenAPI contract/,
    );
    // refused before routing (here by the JSON parser): no operation to declare it
    expect(contractViolation('POST', '/api/orders//payments', { status: 400, headers: problem, body: problemBody(400, 'MALFORMED_BODY') })).toBeUndefined();
    expect(contractViolation('POST', '/api/orders//payments', { status: 400, headers: problem, body: problemBody(400, 'VALIDATION_FAILED') })).toMatch(
      /not in the OpenAPI contract/,
    );
  });
});
