import type pg from 'pg';
import type { Logger } from 'pino';
import { surelyNotSent, type Mailer } from './mailer.js';

// At most one mail per dedupe key ('order:<id>:<kind>', 'payment:<id>:refunded', ...), with any
// number of workers and duplicate events: the mail's row is claimed (SENDING) in its own
// committed statement before the SMTP server hears of it. A refusal releases the claim (FAILED)
// and the job's retry claims it again; a claim a crash left behind is never sent again (the
// sweep marks it UNKNOWN, for staff). The mailbox needs no claim: its row is the delivery.

export type MailDraft = { dedupeKey: string; kind: string; to: string[]; subject: string; text: string; html: string };
export type MailOutcome = 'sent' | 'stored' | 'duplicate' | 'unknown';
export type OutgoingMailDeps = { pool: pg.Pool; mailer: Mailer; logger: Logger };

/** A definite SMTP refusal: the job fails, and pg-boss retries it (the claim is released). */
export class MailRefused extends Error {}

const COLUMNS = `dedupe_key, kind, recipients, subject, text_body, html_body, delivery, status`;

export async function sendOnce({ pool, mailer, logger }: OutgoingMailDeps, draft: MailDraft): Promise<MailOutcome> {
  const values = [draft.dedupeKey, draft.kind, draft.to.join(', '), draft.subject, draft.text, draft.html];
  if (mailer.delivery === 'MAILBOX') {
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO mails (${COLUMNS}, sent_at) VALUES ($1, $2, $3, $4, $5, $6, 'MAILBOX', 'SENT', now())
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      values,
    );
    if (!rows.length) return 'duplicate';
    logger.info({ mailId: rows[0].id, kind: draft.kind }, 'mail delivered to the mailbox (no SMTP_URL): staff read it in the panel');
    return 'stored';
  }
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO mails (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 'SMTP', 'SENDING')
     ON CONFLICT (dedupe_key) DO UPDATE
        SET status = 'SENDING', attempts = mails.attempts + 1, claimed_at = now(), updated_at = now(), error = NULL,
            recipients = EXCLUDED.recipients, subject = EXCLUDED.subject, text_body = EXCLUDED.text_body, html_body = EXCLUDED.html_body
      WHERE mails.status = 'FAILED' AND mails.delivery = 'SMTP'
     RETURNING id`,
    values,
  );
  if (!rows.length) return 'duplicate';
  const mailId = rows[0].id;
  let messageId: string;
  try {
    ({ messageId } = await mailer.send({ to: draft.to, subject: draft.subject, text: draft.text, html: draft.html }));
  } catch (err) {
    const refused = surelyNotSent(err);
    const reason = (err instanceof Error ? err.message : String(err)).slice(0, 500);
    await pool.query(`UPDATE mails SET status = $2, error = $3, updated_at = now() WHERE id = $1 AND status = 'SENDING'`, [
      mailId,
      refused ? 'FAILED' : 'UNKNOWN',
      reason,
    ]);
    logger.warn({ mailId, kind: draft.kind, reason }, refused ? 'the SMTP server refused a mail; it is tried again' : 'a mail may or may not have been sent');
    if (refused) throw new MailRefused(reason);
    return 'unknown';
  }
  await pool.query(`UPDATE mails SET status = 'SENT', message_id = $2, sent_at = now(), updated_at = now() WHERE id = $1`, [mailId, messageId]);
  logger.info({ mailId, kind: draft.kind }, 'mail sent');
  return 'sent';
}

/** Claims older than a job's expiry belong to a worker that died mid-send: marked UNKNOWN, never re-sent. */
export async function markAbandonedClaims(pool: pg.Pool, olderThanSeconds: number): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE mails SET status = 'UNKNOWN', updated_at = now(),
            error = 'the sender stopped before the SMTP server answered: check with the recipient before sending it again by hand'
      WHERE status = 'SENDING' AND claimed_at < now() - make_interval(secs => $1)`,
    [olderThanSeconds],
  );
  return rowCount ?? 0;
}
