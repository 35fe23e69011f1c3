import React, { useEffect, useState } from 'react';
import { Badge, Box, Button, H5, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, type BasePropertyProps, type RecordJSON } from 'adminjs';
import { useNavigate } from 'react-router';
import type { ProductImport } from '../../src/catalog/product-import.ts';
import type { Changes } from '../../src/catalog/import-plan.ts';

const api = new ApiClient();
/** The run as its show action attaches it: the first rows that change something (of `changingRows`) and the first errors (of `errorCount`). */
type Run = ProductImport & { applyUrl: string; changingRows: number };
const POLL_MS = 1000;
const OUTCOME: Record<string, string> = {
  queued: 'Waiting for a worker',
  running: 'Running',
  checked: 'Checked: nothing was changed',
  applied: 'Applied: every row was written',
  refused: 'Refused: the file has errors, nothing was applied',
  failed: 'Failed: nothing was applied',
};

const shown = (value: unknown) => (value === null || value === undefined ? '(none)' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const describe = (changes?: Changes) =>
  Object.entries(changes ?? {})
    .map(([field, { before, after }]) => `${field}: ${shown(before)} → ${shown(after)}`)
    .join('; ');

/**
 * An import run's page: its progress while a worker has it (polled), then what it did or would
 * do, per row, and every error; a dry run without errors can be applied from here.
 */
const ProductImportReport: React.FC<BasePropertyProps> = ({ record }) => {
  const [run, setRun] = useState((record as (RecordJSON & { run?: Run }) | undefined)?.run);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const navigate = useNavigate();
  const unfinished = run?.status === 'queued' || run?.status === 'running';
  useEffect(() => {
    if (!unfinished || !run) return;
    const timer = setInterval(async () => {
      const { data } = await api.recordAction({ resourceId: 'ProductImport', recordId: run.id, actionName: 'show' });
      setRun((data.record as RecordJSON & { run: Run }).run);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [unfinished, run?.id]);
  if (!run) return null;

  const apply = async () => {
    setBusy(true);
    try {
      const res = await fetch(run.applyUrl, { method: 'POST', credentials: 'same-origin' });
      const body = await res.json();
      if (!res.ok) return setProblem(body.detail ?? `The apply failed (${res.status})`);
      navigate(res.headers.get('Location')!);
    } finally {
      setBusy(false);
    }
  };
  // what the counts mean: done by an apply, to be done by a dry run, never done by a refused or failed apply
  const [made, changed] =
    run.status === 'applied' ? ['created', 'updated'] : run.dryRun ? ['to create', 'to update'] : ['would be created', 'would be updated'];
  const { summary } = run;
  return (
    <Box data-testid="import-report" mb="xl">
      <Box mb="lg">
        <Badge variant={run.errorCount > 0 || run.status === 'failed' ? 'danger' : unfinished ? 'info' : 'success'} mr="default">
          {run.errorCount > 0 ? `${run.status}: ${run.errorCount} error${run.errorCount === 1 ? '' : 's'}` : run.status}
        </Badge>
        <Text as="span">{`${run.dryRun ? 'Dry run' : 'Apply'}: ${OUTCOME[run.status]}`}</Text>
      </Box>
      <Text mb="lg" data-testid="import-progress">{`${run.processedRows} of ${run.totalRows} rows checked`}</Text>
      {run.failure ? <Text mb="lg">{run.failure}</Text> : null}
      {summary ? (
        <Text mb="lg" data-testid="import-summary">
          {`Products: ${summary.products.create} ${made}, ${summary.products.update} ${changed}, ${summary.products.unchanged} unchanged. ` +
            `Variants: ${summary.variants.create} ${made}, ${summary.variants.update} ${changed}, ${summary.variants.unchanged} unchanged. ` +
            `Errors: ${summary.errors}.`}
        </Text>
      ) : null}
      {run.dryRun && run.status === 'checked' && run.errorCount === 0 ? (
        <Box mb="xl">
          <Button type="button" variant="contained" disabled={busy} onClick={apply}>
            Apply this file
          </Button>
          {problem ? <Text mt="sm">{problem}</Text> : null}
        </Box>
      ) : null}
      {run.errorCount ? (
        <Box mb="xl">
          <H5>{`Errors (${run.errorCount}${run.errorCount > run.errors.length ? `, the first ${run.errors.length} shown` : ''})`}</H5>
          <Table data-testid="import-errors">
            <TableHead>
              <TableRow>
                <TableCell>Row</TableCell>
                <TableCell>Column</TableCell>
                <TableCell>Problem</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {run.errors.map((error, i) => (
                <TableRow key={i}>
                  <TableCell>{error.row}</TableCell>
                  <TableCell>{error.column ?? '(row)'}</TableCell>
                  <TableCell>{error.message}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : null}
      {run.rows.length ? (
        <Box>
          <H5>{`Changes (${run.changingRows}${run.changingRows > run.rows.length ? `, the first ${run.rows.length} shown` : ''})`}</H5>
          <Table data-testid="import-rows">
            <TableHead>
              <TableRow>
                <TableCell>Row</TableCell>
                <TableCell>Product</TableCell>
                <TableCell>SKU</TableCell>
                <TableCell>Variant</TableCell>
                <TableCell>Product change</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {run.rows.map((row) => (
                <TableRow key={row.row}>
                  <TableCell>{row.row}</TableCell>
                  <TableCell>{row.productSlug}</TableCell>
                  <TableCell>{row.sku}</TableCell>
                  <TableCell>{row.action === 'update' ? `update: ${describe(row.changes)}` : row.action}</TableCell>
                  <TableCell>
                    {row.product ? (row.product.action === 'update' ? `update: ${describe(row.product.changes)}` : row.product.action) : ''}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      ) : null}
    </Box>
  );
};

export default ProductImportReport;
