import React from 'react';
import { Box, Button, Text, TextArea } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';
import ActionFormField from './action-form-field.tsx';
import { useRecordActionForm } from './use-record-action.ts';

type Field = { name: string; label: string; required: boolean };

/** Block, Unblock and Add note on the customer page: a confirmation with its text fields, sent as a POST. */
const CustomerAction: React.FC<ActionProps> = (props) => {
  const { action, record, resource } = props;
  const { translateAction } = useTranslation();
  const { question, fields } = action.custom as { question: string; fields: Field[] };
  const { values, set, errors, busy, submit } = useRecordActionForm(props);
  if (!record) return null;

  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid={`customer-action-${action.name}`}>
      <Text mb="lg">{String(record.params.email ?? record.params.name ?? record.id)}</Text>
      <Text mb="xl" fontWeight="bold">
        {question}
      </Text>
      {fields.map((field) => (
        <ActionFormField key={field.name} name={field.name} label={field.label} required={field.required} error={errors[field.name]}>
          <TextArea
            id={field.name}
            name={field.name}
            rows={4}
            width="100%"
            value={values[field.name] ?? ''}
            onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => set(field.name, e.target.value)}
          />
        </ActionFormField>
      ))}
      <Button type="submit" variant="contained" disabled={busy}>
        {translateAction(action.name, resource.id)}
      </Button>
    </Box>
  );
};

export default CustomerAction;
