import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';

/** A JSON column (a gateway's event payload) shown as indented JSON. */
const JsonValue: React.FC<BasePropertyProps> = ({ property, record }) => {
  const { translateProperty } = useTranslation();
  return (
    <ValueGroup label={translateProperty(property.label, property.resourceId)}>
      <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12, margin: 0 }}>{JSON.stringify(flat.get(record?.params ?? {}, property.path), null, 2)}</pre>
    </ValueGroup>
  );
};

export default JsonValue;
