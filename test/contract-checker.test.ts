import { contractViolation } from './helpers/contract.js';

const json = { 'content-type': 'application/json; charset=utf-8' };
const problem = { 'content-type': 'application/problem+json; charset=utf-8' };

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

  test('when a status is not documented for the route, then it fails', () => {
    expect(contractViolation('GET', '/healthz', { status: 418, headers: json, body: {} })).toMatch(/not in the OpenAPI contract/);
  });

  test('when a route is not documented, then any success fails', () => {
    expect(contractViolation('GET', '/api/undocumented', { status: 200, headers: json, body: {} })).toMatch(/not in the OpenAPI contract/);
  });

  test('when a generic problem is not shaped as a Problem, then it fails', () => {
    expect(contractViolation('GET', '/readyz', { status: 500, headers: problem, body: { oops: true } })).toMatch(/does not match/);
  });
});
