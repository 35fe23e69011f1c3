import React from 'react';
import { Link, Text } from '@adminjs/design-system';
import type { BasePropertyProps } from 'adminjs';
import { recordUrl } from './page-sections.tsx';

/** The changed record, by its title, linked to its page (where its History is). */
const AuditRecordLink: React.FC<BasePropertyProps> = ({ record }) => {
  const { resource, recordId, recordTitle } = (record?.params ?? {}) as Record<string, string | undefined>;
  if (!resource || !recordId) return <Text>{recordTitle ?? ''}</Text>;
  return <Link href={recordUrl(resource, recordId)}>{recordTitle || recordId}</Link>;
};

export default AuditRecordLink;
