import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';
import { currencyOf, formatMoney } from './money.ts';

type Field = { name: string; label: string; required: boolean };
const api = new ApiClient();

/**
 * Ship, Deliver, Cancel and Refund on the order page: a confirmation (with the fields the
 * action takes), sent as a POST; the server's answer (done, or why not) comes back as a notice.
 */
const OrderAction: React.FC<ActionProps> = ({ action, record, resource }) => {
  const { question, fields } = action.custom as { question: string; fields: Field[] };
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, { message?: string }>>({});
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();
  const navigate = useNavigate();
  if (!record) return null;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const { data } = await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName: action.name, data: values });
      if (data.notice) addNotice(data.notice);
      setErrors(data.record?.errors ?? {});
      if (data.redirectUrl) navigate(data.redirectUrl);
    } finally {
      setBusy(false);
    }
  };

  const { number, status, totalMinor } = record.params;
  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid={`order-action-${action.name}`}>
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
