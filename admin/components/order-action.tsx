import React from 'react';
import { Box, Button, CheckBox, FormGroup, Input, Label, Text } from '@adminjs/design-system';
import type { ActionProps, RecordJSON } from 'adminjs';
import type { Order } from '../../src/orders/order-views.ts';
import { currencyOf, formatMoney } from './money.ts';
import ActionFormField from './action-form-field.tsx';
import { useRecordActionForm } from './use-record-action.ts';

type Field = { name: string; label: string; required: boolean };

/**
 * Ship, Deliver, Cancel and Refund on the order page: a confirmation (with the fields the
 * action takes), sent as a POST; the server's answer (done, or why not) comes back as a notice.
 * The refund's form also lists the order's lines (`lineFields`): units to refund of each
 * (`line:<order item id>`), and whether they go back into stock.
 */
const OrderAction: React.FC<ActionProps> = (props) => {
  const { action, record } = props;
  const { question, fields, lineFields } = action.custom as { question: string; fields: Field[]; lineFields: boolean };
  const { values, set, errors, busy, submit } = useRecordActionForm(props);
  if (!record) return null;

  const { number, status, totalMinor } = record.params;
  const details = lineFields ? (record as RecordJSON & { orderDetails?: Order }).orderDetails : undefined;
  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid={`order-action-${action.name}`}>
      <Text mb="lg">{`Order ${number}, ${status}, ${formatMoney(totalMinor, currencyOf(record.params))}`}</Text>
      <Text mb="xl" fontWeight="bold">
        {question}
      </Text>
      {fields.map((field) => (
        <ActionFormField key={field.name} name={field.name} label={field.label} required={field.required} error={errors[field.name]}>
          <Input
            id={field.name}
            name={field.name}
            value={values[field.name] ?? ''}
            onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(field.name, e.target.value)}
          />
        </ActionFormField>
      ))}
      {details ? (
        <Box mb="xl" data-testid="refund-lines">
          <Text mb="default">{`Refunded so far: ${formatMoney(details.refundedMinor, details.currency)}`}</Text>
          {details.items.map((item) => {
            const name = `line:${item.id}`;
            const left = item.quantity - item.refundedQuantity;
            return (
              <ActionFormField
                key={item.id}
                name={name}
                label={`${item.title}: units to refund (${left} of ${item.quantity} left, ${formatMoney(item.unitPriceMinor, details.currency)} each)`}
                error={errors[name]}
              >
                <Input
                  id={name}
                  name={name}
                  type="number"
                  min={0}
                  max={left}
                  value={values[name] ?? ''}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(name, e.target.value)}
                />
              </ActionFormField>
            );
          })}
          <FormGroup>
            <CheckBox
              id="restock"
              name="restock"
              checked={values.restock === 'true'}
              onChange={() => set('restock', values.restock === 'true' ? 'false' : 'true')}
            />
            <Label inline htmlFor="restock" ml="default">
              Put the refunded units back into stock
            </Label>
          </FormGroup>
        </Box>
      ) : null}
      <Button type="submit" variant="contained" disabled={busy}>{`${action.label} order`}</Button>
    </Box>
  );
};

export default OrderAction;
