import React, { useEffect, useState } from 'react';
import { Box, Button, FormGroup, Input, Label, Select, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';

const api = new ApiClient();
type Choice = { value: string; label: string };
const NO_CATEGORY: Choice = { value: '', label: '(no category)' };

/**
 * A list bulk action's page: the selection, the question and the one field the action takes (a
 * category, a percentage), sent as a POST. Opening it changes nothing; the notice says what did.
 */
const BulkEdit: React.FC<ActionProps> = ({ action, resource, records = [] }) => {
  const { question, field, submit: submitLabel } = action.custom as { question: string; field: 'none' | 'category' | 'percentage'; submit: string };
  const [value, setValue] = useState('');
  const [categories, setCategories] = useState<Choice[]>([NO_CATEGORY]);
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();
  const navigate = useNavigate();
  useEffect(() => {
    if (field !== 'category') return;
    api
      .searchRecords({ resourceId: 'Category', query: '' })
      .then((found) => setCategories([NO_CATEGORY, ...found.map((c) => ({ value: String(c.id), label: c.title }))]));
  }, [field]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const data = field === 'category' ? { categoryId: value } : field === 'percentage' ? { percentage: value } : {};
      const { data: answer } = await api.bulkAction({ resourceId: resource.id, recordIds: records.map((r) => String(r.id)), actionName: action.name, data });
      if (answer.notice) addNotice(answer.notice);
      if (answer.redirectUrl) navigate(answer.redirectUrl);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box as="form" onSubmit={submit} variant="container" data-testid={`bulk-${action.name}`}>
      <Text mb="lg">{`${records.length} selected: ${records.map((r) => r.title).join(', ')}`}</Text>
      <Text mb="xl" fontWeight="bold">
        {question}
      </Text>
      {field === 'category' ? (
        <FormGroup>
          <Label htmlFor="categoryId">Category</Label>
          <Select
            inputId="categoryId"
            options={categories}
            value={categories.find((c) => c.value === value) ?? NO_CATEGORY}
            onChange={(choice: Choice | null) => setValue(choice?.value ?? '')}
          />
        </FormGroup>
      ) : null}
      {field === 'percentage' ? (
        <FormGroup>
          <Label htmlFor="percentage" required>
            Percentage (e.g. 10 or -12.5)
          </Label>
          <Input id="percentage" name="percentage" value={value} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue(e.target.value)} />
          <Text mt="sm" variant="sm">
            Each new price is rounded to a whole cent, half away from zero. A price must stay above 0 and below its compare-at price: if any would not, nothing
            changes.
          </Text>
        </FormGroup>
      ) : null}
      <Button type="submit" variant="contained" disabled={busy}>
        {submitLabel}
      </Button>
    </Box>
  );
};

export default BulkEdit;
