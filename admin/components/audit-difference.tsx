import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import { changesText } from './audit-changes.ts';

/**
 * An audit entry's changes, in the list and on its page. The resource hands them over as JSON
 * text: as an object AdminJS would flatten them, and the logger's keys are flattened paths already.
 */
const AuditDifference: React.FC<BasePropertyProps> = ({ record, property, where }) => {
  const raw = record?.params?.[property.path];
  let text = '';
  try {
    text = typeof raw === 'string' && raw ? changesText(JSON.parse(raw)) : '';
  } catch {
    text = String(raw);
  }
  const body = <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12, margin: 0 }}>{text}</pre>;
  return where === 'show' ? <ValueGroup label="Changes">{body}</ValueGroup> : body;
};

export default AuditDifference;
