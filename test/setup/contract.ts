// Every response a test receives through supertest is checked against the OpenAPI contract;
// a mismatch fails that request's test.
import supertest from 'supertest';
import { contractViolation } from '../helpers/contract.js';

type TestProto = { method: string; url: string; assert(resError: unknown, res: unknown, fn?: (err: unknown, res: unknown) => void): void };
const Test = (supertest as unknown as { Test: { prototype: TestProto } }).Test;
const assert = Test.prototype.assert;

Test.prototype.assert = function assertWithContract(this: TestProto, resError, res, fn) {
  if (res) {
    const violation = contractViolation(this.method, this.url, res as Parameters<typeof contractViolation>[2]);
    if (violation) return fn?.call(this, new Error(`OpenAPI contract: ${violation}`), res);
  }
  return assert.call(this, resError, res, fn);
};
