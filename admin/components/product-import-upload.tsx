import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Label, Text } from '@adminjs/design-system';
import type { ActionProps } from 'adminjs';
import { useNavigate } from 'react-router';

/**
 * Import CSV: pick a file and send it as a dry run (nothing changes: the report says what would)
 * or to apply at once. The file goes to the panel's upload route as the body itself; the run's
 * page then shows its progress and report.
 */
const ProductImportUpload: React.FC<ActionProps> = ({ action }) => {
  const { uploadUrl, exportUrl } = action.custom as { uploadUrl: string; exportUrl: string };
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();

  const send = async (dryRun: boolean) => {
    if (!file) return setProblem('Choose a CSV file first');
    setBusy(true);
    setProblem(null);
    try {
      const query = new URLSearchParams({ dryRun: String(dryRun), fileName: file.name });
      const res = await fetch(`${uploadUrl}?${query}`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: file, credentials: 'same-origin' });
      const body = await res.json();
      if (!res.ok) return setProblem(body.detail ?? body.title ?? `The upload failed (${res.status})`);
      navigate(res.headers.get('Location') ?? `/admin/resources/ProductImport/records/${body.id}/show`);
    } catch {
      setProblem('The upload failed: check the connection and try again');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box variant="container" data-testid="product-import-upload">
      <Text mb="lg">
        One row per variant, as the <a href={exportUrl}>export</a> writes them: products by slug, variants by SKU, created or updated. A dry run changes nothing
        and reports every row; an apply writes every row or, if any row has an error, none.
      </Text>
      <FormGroup error={Boolean(problem)}>
        <Label htmlFor="csv-file" required>
          CSV file
        </Label>
        <input id="csv-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <FormMessage>{problem}</FormMessage>
      </FormGroup>
      <Box flex style={{ gap: 16 }}>
        <Button type="button" variant="contained" disabled={busy} onClick={() => send(true)}>
          Check (dry run)
        </Button>
        <Button type="button" variant="outlined" disabled={busy} onClick={() => send(false)}>
          Apply now
        </Button>
      </Box>
    </Box>
  );
};

export default ProductImportUpload;
