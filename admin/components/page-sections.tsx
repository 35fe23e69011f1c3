import React from 'react';
import { Box, H5, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';

// The building blocks of the panel's detail pages (an order's, a customer's): labelled fields
// and titled tables.

export const when = (value: string) => new Date(value).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
export const recordUrl = (resource: string, id: string) => `/admin/resources/${resource}/records/${id}/show`;

/** `wrap`: cells wrap their text (a note), instead of keeping each on one line (amounts, dates). */
export function Section(props: { title: string; empty: string; headers: string[]; rows: React.ReactNode[][]; wrap?: boolean; testId?: string }) {
  const { title, empty, headers, rows, wrap, testId } = props;
  return (
    <Box mb="xl" data-testid={testId}>
      <H5>{title}</H5>
      {rows.length === 0 ? (
        <Text color="grey60">{empty}</Text>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              {headers.map((h) => (
                <TableCell key={h}>{h}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((cells, i) => (
              <TableRow key={i}>
                {cells.map((c, j) => (
                  <TableCell key={j} style={{ whiteSpace: wrap ? 'pre-wrap' : 'nowrap' }}>
                    {c}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

export function Field({ label, testId, children }: { label: string; testId: string; children: React.ReactNode }) {
  return (
    <Box mr="xxl" mb="lg" minWidth={200}>
      <Text color="grey60" fontSize="sm" mb="sm">
        {label}
      </Text>
      <Box data-testid={testId}>{children}</Box>
    </Box>
  );
}
