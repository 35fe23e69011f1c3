import React from 'react';
import { Box, Button, Input, Select, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import ActionFormField from './action-form-field.tsx';
import { useRecordActionForm } from './use-record-action.ts';

const REASON_LABELS: Record<string, string> = {
  received: 'Received (goods arrived)',
  damaged: 'Damaged (written off)',
  count_correction: 'Count correction (a stock count found another number)',
};

/**
 * "Adjust stock" on a variant's page: how many units to add (negative to take away), why, and
 * an optional note, sent as a POST; the server's notice says the new stock or why not.
 */
const StockAdjustment: React.FC<ActionProps> = (props) => {
  const { action, record } = props;
  const { reasons } = action.custom as { reasons: string[] };
  const options = reasons.map((value) => ({ value, label: REASON_LABELS[value] ?? value }));
  const { values, set, errors, busy, submit } = useRecordActionForm(props, { change: '', reason: reasons[0], note: '' });
  if (!record) return null;

  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid="stock-adjustment">
      <Text mb="xl">{`${record.params.sku}: ${record.params.stock} in stock`}</Text>
      <ActionFormField name="change" label="Change (units; negative to take away)" required error={errors.change}>
        <Input
          id="change"
          name="change"
          inputMode="numeric"
          placeholder="e.g. 12 or -3"
          value={values.change}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('change', e.target.value)}
        />
      </ActionFormField>
      <ActionFormField name="reason" label="Reason" required error={errors.reason}>
        <Select
          inputId="reason"
          value={options.find((o) => o.value === values.reason)}
          options={options}
          onChange={(selected: { value: string } | null) => set('reason', selected?.value ?? '')}
        />
      </ActionFormField>
      <ActionFormField name="note" label="Note (optional)" error={errors.note}>
        <Input
          id="note"
          name="note"
          placeholder="e.g. delivery note 4711"
          value={values.note}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('note', e.target.value)}
        />
      </ActionFormField>
      <Button type="submit" variant="contained" disabled={busy}>
        Adjust stock
      </Button>
    </Box>
  );
};

export default StockAdjustment;
