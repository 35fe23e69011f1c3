import type { Queryable } from '../shared/db.js';

/**
 * One staff action for the audit trail (the audit_log table). The panel's resource edits are
 * recorded in the same table, in @adminjs/logger's shape: `action` new/edit/delete and
 * `difference` the changed fields. Domain actions (ship, refund, stock adjustment, import) name
 * themselves and put their details in `difference`.
 */
export type StaffAction = {
  staffId: string;
  action: string;
  /** the resource's panel name: Order, ProductVariant, Product ... */
  resource: string;
  recordId?: string;
  recordTitle?: string;
  difference?: Record<string, unknown>;
};

/** Records a staff action; call it in the action's own transaction, so a rolled-back action leaves no entry. */
export async function recordStaffAction(db: Queryable, action: StaffAction): Promise<void> {
  await db.query(`INSERT INTO audit_log (action, resource, record_id, record_title, difference, user_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
    action.action,
    action.resource,
    action.recordId ?? null,
    action.recordTitle ?? null,
    action.difference === undefined ? null : JSON.stringify(action.difference),
    action.staffId,
  ]);
}
