import React from 'react';
import type { BasePropertyProps, RecordJSON } from 'adminjs';
import type { AuditEntry } from '../audit-log-resource.ts';
import { Section, when } from './page-sections.tsx';
import { changesText } from './audit-changes.ts';

/** A record's audit trail on its own page: who changed it, how and when, newest first (attached by the show action). */
const RecordHistory: React.FC<BasePropertyProps> = ({ record }) => {
  const entries = (record as (RecordJSON & { auditHistory?: AuditEntry[] }) | undefined)?.auditHistory ?? [];
  return (
    <Section
      title="History"
      empty="No staff changes recorded yet"
      testId="record-history"
      wrap
      headers={['When', 'Staff', 'Action', 'Changes']}
      rows={entries.map((e) => [when(e.createdAt), e.staffName ?? e.userId, e.action, changesText(e.difference)])}
    />
  );
};

export default RecordHistory;
