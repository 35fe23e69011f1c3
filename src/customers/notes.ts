import type pg from 'pg';
import { recordStaffAction } from '../audit/audit-trail.js';
import { inTransaction } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { CUSTOMER_RESOURCE } from './blocking.js';

/** A staff note about a customer, with its author (their name, else email). */
export type CustomerNote = { id: string; body: string; author: { id: string; name: string | null }; createdAt: string };

type NoteRow = { id: string; body: string; authorId: string; authorName: string | null; createdAt: Date };
const toNote = ({ authorId, authorName, createdAt, ...note }: NoteRow): CustomerNote => ({
  ...note,
  author: { id: authorId, name: authorName },
  createdAt: createdAt.toISOString(),
});

/** Adds a note to a customer's page (notes are never edited: a correction is another note); audited. */
export function addNote(pool: pg.Pool, customerId: string, staffId: string, body: string): Promise<CustomerNote> {
  return inTransaction(pool, async (tx) => {
    const { rows } = await tx.query<NoteRow & { customerTitle: string }>(
      `WITH added AS (
         INSERT INTO customer_notes (customer_id, author_id, body)
         SELECT id, $2, $3 FROM users WHERE id = $1 AND role = 'CUSTOMER'
         RETURNING id, customer_id, author_id, body, created_at
       )
       SELECT n.id, n.body, n.author_id AS "authorId", coalesce(a.name, a.email) AS "authorName", n.created_at AS "createdAt",
              coalesce(c.email, c.name, c.clerk_user_id, c.id::text) AS "customerTitle"
         FROM added n JOIN users a ON a.id = n.author_id JOIN users c ON c.id = n.customer_id`,
      [customerId, staffId, body],
    );
    if (!rows[0]) throw new NotFound('Customer');
    const { customerTitle, ...note } = rows[0];
    await recordStaffAction(tx, {
      staffId,
      action: 'add-note',
      resource: CUSTOMER_RESOURCE,
      recordId: customerId,
      recordTitle: customerTitle,
      difference: { note: { before: null, after: body } },
    });
    return toNote(note);
  });
}

/** The customer's notes, newest first. */
export async function listNotes(db: pg.Pool, customerId: string): Promise<CustomerNote[]> {
  const { rows } = await db.query<NoteRow>(
    `SELECT n.id, n.body, n.author_id AS "authorId", coalesce(a.name, a.email) AS "authorName", n.created_at AS "createdAt"
       FROM customer_notes n JOIN users a ON a.id = n.author_id
      WHERE n.customer_id = $1 ORDER BY n.created_at DESC, n.id`,
    [customerId],
  );
  return rows.map(toNote);
}
