import type PgBoss from 'pg-boss';
import type { Queryable } from '../shared/db.js';

/** pg-boss runs its SQL through this: on the pool, or on a transaction's connection (to enqueue in that transaction). */
export const onConnection = (client: Queryable): PgBoss.Db => ({
  executeSql: (text, values) => client.query(text, values),
});
