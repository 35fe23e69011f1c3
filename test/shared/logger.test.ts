import { Writable } from 'node:stream';
import { createLogger } from '../../src/shared/logger.js';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

describe('the log', () => {
  test('when an error is logged, then the line names its kind, message, code and throwing frame, and carries no stack trace', () => {
    const { logger, lines } = capturingLogger();
    const err = Object.assign(new TypeError('the gateway answered nonsense'), { code: 'E_GATEWAY' });

    logger.error({ err }, 'unhandled error');

    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]);
    expect(entry.err).toEqual({
      type: 'TypeError',
      message: 'the gateway answered nonsense',
      code: 'E_GATEWAY',
      at: expect.stringContaining('logger.test.ts'),
    });
    expect(lines[0]).not.toMatch(/\\n\s+at /);
  });

  test('when a thrown value is not an Error, then its text is logged', () => {
    const { logger, lines } = capturingLogger();

    logger.error({ err: 'a bare string' }, 'unhandled error');

    expect(JSON.parse(lines[0]).err).toEqual({ message: 'a bare string' });
  });

  test('when a line carries a password, a token or an Authorization header, then they are redacted', () => {
    const { logger, lines } = capturingLogger();

    logger.info({ req: { headers: { authorization: 'Bearer secret-token' } }, body: { password: 'hunter2', token: 't0k' } }, 'request');

    expect(lines[0]).not.toMatch(/secret-token|hunter2|t0k/);
    expect(JSON.parse(lines[0])).toMatchObject({ req: { headers: { authorization: '[redacted]' } }, body: { password: '[redacted]', token: '[redacted]' } });
  });
});
