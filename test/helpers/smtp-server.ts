// A real SMTP server on loopback (smtp-server, from nodemailer's authors) that keeps every
// message it accepts, parsed (mailparser), and can be told to refuse messages for a while.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export type ReceivedMail = { to: string[]; from: string; subject: string; text: string; html: string; raw: string; parsed: ParsedMail };

export type TestSmtpServer = {
  /** what the app's SMTP_URL should be */
  url: string;
  env: { SMTP_URL: string; MAIL_FROM: string };
  received: ReceivedMail[];
  /** answers the next `count` messages with a 451 (a temporary refusal, as a busy server would) */
  refuseNext(count: number): void;
  /** answers each message only after `ms` (a slow server: senders stay mid-send that long) */
  answerAfter(ms: number): void;
  /** the messages to this address, in the order they came */
  to(address: string): ReceivedMail[];
  /** waits until at least `count` messages to `address` (any address when left out) have come */
  waitFor(count: number, address?: string, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
};

export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let refusals = 0;
  let answerDelayMs = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500, // close() would wait 30 s for the clients' idle pooled connections
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        if (answerDelayMs) await new Promise((resolve) => setTimeout(resolve, answerDelayMs));
        if (refusals > 0) {
          refusals--;
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw,
              parsed,
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const url = `smtp://127.0.0.1:${port}`;
  const to = (address: string) => received.filter((m) => m.to.includes(address));
  return {
    url,
    env: { SMTP_URL: url, MAIL_FROM: 'Test Shop <shop@shop.test>' },
    received,
    refuseNext: (count) => (refusals = count),
    answerAfter: (ms) => (answerDelayMs = ms),
    to,
    async waitFor(count, address, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = address ? to(address) : received;
        if (found.length >= count) return found;
        if (Date.now() > deadline) throw new Error(`${found.length} of ${count} mails arrived${address ? ` for ${address}` : ''}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A test file's SMTP server, started in beforeAll and closed in afterAll. Call it before
 * useTestShop and pass `env` there: its values are filled in before the shop's hook reads them.
 */
export function useTestSmtpServer(): { readonly env: Record<string, string>; readonly server: TestSmtpServer } {
  const env: Record<string, string> = {};
  let server: TestSmtpServer | undefined;
  beforeAll(async () => {
    server = await startTestSmtpServer();
    Object.assign(env, server.env);
  });
  afterAll(() => server?.close());
  return {
    env,
    get server() {
      if (!server) throw new Error('useTestSmtpServer: the server starts in beforeAll');
      return server;
    },
  };
}
