import React from 'react';
import { Badge, Box, H5, Link, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import type { BasePropertyProps, RecordJSON } from 'adminjs';
import type { StockMovementView } from '../../src/catalog/stock-adjustments.ts';

type History = { items: StockMovementView[]; nextCursor: string | null };

/** Who moved the stock, as staff read it: the person's email, else the actor ("system:expiry"). */
const who = (m: StockMovementView) => m.actorEmail ?? m.actor;

/**
 * A variant's stock history on its page (attached by the show action): its newest movements,
 * with a link to all of them in Stock movements.
 */
const StockHistory: React.FC<BasePropertyProps> = ({ record }) => {
  const history = (record as (RecordJSON & { stockHistory?: History }) | undefined)?.stockHistory;
  if (!history || !record) return null;
  const all = `/admin/resources/StockMovement?${new URLSearchParams({ 'filters.variant': String(record.id) }).toString()}`;
  return (
    <Box mb="xl" data-testid="stock-history">
      <Box flex alignItems="center" justifyContent="space-between">
        <H5>Stock history</H5>
        {history.nextCursor ? <Link href={all}>All movements</Link> : null}
      </Box>
      {history.items.length === 0 ? (
        <Text>No stock has moved yet.</Text>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Change</TableCell>
              <TableCell>Stock after</TableCell>
              <TableCell>Reason</TableCell>
              <TableCell>By</TableCell>
              <TableCell>Order</TableCell>
              <TableCell>Note</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {history.items.map((m) => (
              <TableRow key={m.id} data-testid={`stock-movement-${m.id}`}>
                <TableCell>{new Date(m.createdAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}</TableCell>
                <TableCell>
                  <Badge variant={m.change < 0 ? 'danger' : 'success'}>{m.change > 0 ? `+${m.change}` : String(m.change)}</Badge>
                </TableCell>
                <TableCell>{m.stockAfter}</TableCell>
                <TableCell>{m.reason.replaceAll('_', ' ')}</TableCell>
                <TableCell>{who(m)}</TableCell>
                <TableCell>{m.orderId ? <Link href={`/admin/resources/Order/records/${m.orderId}/show`}>{`#${m.orderNumber ?? ''}`}</Link> : null}</TableCell>
                <TableCell>{m.note ?? ''}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
};

export default StockHistory;
