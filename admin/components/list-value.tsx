import React from 'react';
import { ValueGroup } from '@adminjs/design-system';
import { flat, useTranslation, type BasePropertyProps } from 'adminjs';

/** A list column (an option's values) as "S, M, L". */
const ListValue: React.FC<BasePropertyProps> = ({ property, record, where }) => {
  const { translateProperty } = useTranslation();
  const value = flat.get(record?.params ?? {}, property.path);
  const text = Array.isArray(value) ? value.join(', ') : String(value ?? '');
  return where === 'show' ? <ValueGroup label={translateProperty(property.label, property.resourceId)}>{text}</ValueGroup> : <span>{text}</span>;
};

export default ListValue;
