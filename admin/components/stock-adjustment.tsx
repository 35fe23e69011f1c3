import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label, Select, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import { useRecordAction } from './use-record-action.ts';

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
  const [values, setValues] = useState<Record<string, string>>({ change: '', reason: reasons[0], note: '' });
  const [errors, setErrors] = useState<Record<string, { message?: string }>>({});
  const { busy, submit } = useRecordAction(props, (data) => setErrors(data.record?.errors ?? {}));
  if (!record) return null;
  const set = (field: string, value: string) => setValues({ ...values, [field]: value });

  return (
    <Box as="form" onSubmit={(event: React.FormEvent) => submit(event, values)} variant="container" data-testid="stock-adjustment">
      <Text mb="xl">{`${record.params.sku}: ${record.params.stock} in stock`}</Text>
      <FormGroup error={Boolean(errors.change)}>
        <Label htmlFor="change" required>
          Change (units; negative to take away)
        </Label>
        <Input
          id="change"
          name="change"
          inputMode="numeric"
          placeholder="e.g. 12 or -3"
          value={values.change}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('change', e.target.value)}
        />
        <FormMessage>{errors.change?.message}</FormMessage>
      </FormGroup>
      <FormGroup error={Boolean(errors.reason)}>
        <Label htmlFor="reason" required>
          Reason
        </Label>
        <Select
          inputId="reason"
          value={options.find((o) => o.value === values.reason)}
          options={options}
          onChange={(selected: { value: string } | null) => set('reason', selected?.value ?? '')}
        />
        <FormMessage>{errors.reason?.message}</FormMessage>
      </FormGroup>
      <FormGroup error={Boolean(errors.note)}>
        <Label htmlFor="note">Note (optional)</Label>
        <Input
          id="note"
          name="note"
          placeholder="e.g. delivery note 4711"
          value={values.note}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set('note', e.target.value)}
        />
        <FormMessage>{errors.note?.message}</FormMessage>
      </FormGroup>
      <Button type="submit" variant="contained" disabled={busy}>
        Adjust stock
      </Button>
    </Box>
  );
};

export default StockAdjustment;
