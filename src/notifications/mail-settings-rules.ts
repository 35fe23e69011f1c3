// The store settings of mails as staff write them in the panel (Store settings): the database's
// CHECKs (migration 20261204000000_notifications), with messages.
import { z } from 'zod';

const emailList = z
  .preprocess((v) => (v === '' || v === undefined ? null : v), z.string().trim().max(1000, 'at most 1000 characters').nullable())
  .transform((v, ctx) => {
    if (!v) return null;
    const addresses = v
      .split(',')
      .map((address) => address.trim())
      .filter(Boolean);
    const bad = addresses.find((address) => !z.email().safeParse(address).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `${bad} is not an email address (several go comma-separated)` });
      return z.NEVER;
    }
    return addresses.join(', ') || null;
  });

export const mailSettingsRules = z.object({
  storeName: z.string({ error: 'is required' }).trim().min(1, 'is required').max(100, 'at most 100 characters'),
  /** where staff mails go; empty: every staff account's email */
  staffEmail: emailList,
  lowStockThreshold: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(0, 'at least 0').max(1_000_000, 'at most 1000000'),
});
