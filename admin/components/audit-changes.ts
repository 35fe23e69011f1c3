// An audit entry's `difference` ({ field: { before, after } }, @adminjs/logger's shape, which
// the shop's own actions use too) as text staff can read.

const shown = (value: unknown) => (value === undefined || value === null || value === '' ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

type Change = { before?: unknown; after?: unknown };
const isChange = (value: unknown): value is Change => typeof value === 'object' && value !== null && ('before' in value || 'after' in value);

/** The changed fields one per line, "field: before → after"; details of another shape as JSON. */
export function changesText(difference: unknown): string {
  if (difference === null || difference === undefined) return '';
  if (typeof difference !== 'object') return shown(difference);
  return Object.entries(difference as Record<string, unknown>)
    .map(([field, change]) => (isChange(change) ? `${field}: ${shown(change.before)} → ${shown(change.after)}` : `${field}: ${shown(change)}`))
    .join('\n');
}
