import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import { currencyOf, formatMoney } from './money.ts';
import { useRecordAction } from './use-record-action.ts';

type Field = { name: string; label: string; required: boolean };

/**
 * Ship, Deliver, Cancel and Refund on the order page: a confirmation (with the fields the
 * action takes), sent as a POST; the server's answer (done, or why not) comes back as a notice.
 */
const OrderAction: React.FC<ActionProps> = (props) => {
  const { action, record } = props;
  const { question, fields } = action.custom as { question: string; fields: Field[] };
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, { message?: string }>>({});
  const { busy, submit } = useRecordAction(props, (data) => setErrors(data.record?.errors ?? {}));
  if (!record) return null;

  const { number, status, totalMinor } = record.params;
  return (
    <Box as="form" onSubmit={(event: React.FormEvent) => submit(event, values)} variant="container" data-testid={`order-action-${action.name}`}>
      <Text mb="lg">{`Order ${number}, ${status}, ${formatMoney(totalMinor, currencyOf(record.params))}`}</Text>
      <Text mb="xl" fontWeight="bold">
        {question}
      </Text>
      {fields.map((field) => (
        <FormGroup key={field.name} error={Boolean(errors[field.name])}>
          <Label htmlFor={field.name} required={field.required}>
            {field.label}
          </Label>
          <Input
            id={field.name}
            name={field.name}
            value={values[field.name] ?? ''}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [field.name]: e.target.value })}
          />
          <FormMessage>{errors[field.name]?.message}</FormMessage>
        </FormGroup>
      ))}
      <Button type="submit" variant="contained" disabled={busy}>{`${action.label} order`}</Button>
    </Box>
  );
};

export default OrderAction;
