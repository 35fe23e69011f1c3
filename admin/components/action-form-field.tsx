import React from 'react';
import { FormGroup, FormMessage, Label } from '@adminjs/design-system';

type Props = { name: string; label: string; required?: boolean; error?: { message?: string }; children: React.ReactNode };

/** One field of a record action's form: its label, its control (the children), and the server's error for it. */
const ActionFormField: React.FC<Props> = ({ name, label, required, error, children }) => (
  <FormGroup error={Boolean(error)}>
    <Label htmlFor={name} required={required}>
      {label}
    </Label>
    {children}
    <FormMessage>{error?.message}</FormMessage>
  </FormGroup>
);

export default ActionFormField;
