import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Label, Text, TextArea } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';
import { useRecordAction } from './use-record-action.ts';

type Field = { name: string; label: string; required: boolean };

/** Block, Unblock and Add note on the customer page: a confirmation with its text fields, sent as a POST. */
const CustomerAction: React.FC<ActionProps> = (props) => {
  const { action, record, resource } = props;
  const { translateAction } = useTranslation();
  const { question, fields } = action.custom as { question: string; fields: Field[] };
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, { message?: string }>>({});
  const { busy, submit } = useRecordAction(props, (data) => setErrors(data.record?.errors ?? {}));
  if (!record) return null;

  return (
    <Box as="form" onSubmit={(event: React.FormEvent) => submit(event, values)} variant="container" data-testid={`customer-action-${action.name}`}>
      <Text mb="lg">{String(record.params.email ?? record.params.name ?? record.id)}</Text>
      <Text mb="xl" fontWeight="bold">
        {question}
      </Text>
      {fields.map((field) => (
        <FormGroup key={field.name} error={Boolean(errors[field.name])}>
          <Label htmlFor={field.name} required={field.required}>
            {field.label}
          </Label>
          <TextArea
            id={field.name}
            name={field.name}
            rows={4}
            width="100%"
            value={values[field.name] ?? ''}
            onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setValues({ ...values, [field.name]: e.target.value })}
          />
          <FormMessage>{errors[field.name]?.message}</FormMessage>
        </FormGroup>
      ))}
      <Button type="submit" variant="contained" disabled={busy}>
        {translateAction(action.name, resource.id)}
      </Button>
    </Box>
  );
};

export default CustomerAction;
