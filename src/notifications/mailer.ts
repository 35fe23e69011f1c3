import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export type OutgoingMessage = { to: string[]; subject: string; text: string; html: string };

/**
 * How this process delivers mail, built once where the process is composed (main.ts): through
 * the SMTP server of SMTP_URL, or (no SMTP_URL, the zero-setup default) into the mailbox table,
 * which staff read in the panel and every instance shares.
 */
export type Mailer = {
  delivery: 'SMTP' | 'MAILBOX';
  /** hands the message to the SMTP server; never called for MAILBOX */
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  close(): void;
};

export function createMailer(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM'>): Mailer {
  if (!config.SMTP_URL) {
    return {
      delivery: 'MAILBOX',
      send: () => Promise.reject(new Error('no SMTP server is configured: mails go to the mailbox')),
      close: () => undefined,
    };
  }
  // Pooled: a burst of mails reuses a few connections instead of a handshake each. The timeouts
  // stay well inside the mail queues' job expiry (mail-jobs.ts), so a hung server fails the try.
  const transport = nodemailer.createTransport({
    url: config.SMTP_URL,
    pool: true,
    maxConnections: 5, // MAIL_WORKERS (mail-jobs.ts) send at once
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    delivery: 'SMTP',
    async send(message) {
      const info = await transport.sendMail({ from: config.MAIL_FROM, ...message });
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/**
 * Whether the SMTP server surely did not take the message: it answered with a refusal, or the
 * failure came before the message's content was sent. A failure while sending the content or
 * waiting for the server's answer to it (a dropped connection, a timeout) leaves it unknown.
 */
export function surelyNotSent(err: unknown): boolean {
  const { responseCode, command, code } = (err ?? {}) as { responseCode?: unknown; command?: unknown; code?: unknown };
  if (typeof responseCode === 'number' && responseCode >= 400) return true;
  if (command === 'DATA') return false;
  return ['ECONNECTION', 'EDNS', 'ETLS', 'EAUTH', 'EENVELOPE', 'ECONNREFUSED'].includes(String(code)) || command !== undefined;
}
