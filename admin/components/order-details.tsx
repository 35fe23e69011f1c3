import React from 'react';
import { Box, H5, Link, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import type { BasePropertyProps, RecordJSON } from 'adminjs';
import type { Order } from '../../src/orders/order-views.ts';
import { currencyOf, formatMoney } from './money.ts';

const when = (value: string) => new Date(value).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const recordUrl = (resource: string, id: string) => `/admin/resources/${resource}/records/${id}/show`;

function Section({ title, empty, headers, rows }: { title: string; empty: string; headers: string[]; rows: React.ReactNode[][] }) {
  return (
    <Box mb="xl">
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
                  <TableCell key={j} style={{ whiteSpace: 'nowrap' }}>
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

/** The order page's lines, payments and status history: the staff view of readOrder, attached to the record by the show action. */
const OrderDetails: React.FC<BasePropertyProps> = ({ record }) => {
  const details = (record as (RecordJSON & { orderDetails?: Order }) | undefined)?.orderDetails;
  if (!details) return null;
  const currency = currencyOf(record?.params);
  return (
    <Box data-testid="order-details">
      <Section
        title="Items"
        empty="No items"
        headers={['SKU', 'Title', 'Unit price', 'Quantity', 'Line total']}
        rows={details.items.map((i) => [
          i.variantId ? <Link href={recordUrl('ProductVariant', i.variantId)}>{i.sku}</Link> : i.sku,
          i.productId ? <Link href={recordUrl('Product', i.productId)}>{i.title}</Link> : i.title,
          formatMoney(i.unitPriceMinor, currency),
          i.quantity,
          formatMoney(i.lineTotalMinor, currency),
        ])}
      />
      <Section
        title="Payments"
        empty="No payment attempts yet"
        headers={['Started', 'Gateway', 'Status', 'Amount', 'Reference']}
        rows={details.payments.map((p) => [
          <Link href={recordUrl('Payment', p.id)}>{when(p.createdAt)}</Link>,
          p.provider,
          p.failureReason ? `${p.status} (${p.failureReason})` : p.status,
          formatMoney(p.amountMinor, p.currency),
          p.providerRef ?? '',
        ])}
      />
      <Section
        title="Status history"
        empty="No status changes yet"
        headers={['When', 'From', 'To', 'By', 'Reason']}
        rows={details.history.map((h) => [when(h.at), h.from ?? '(new)', h.to, h.actorEmail ?? h.actor, h.reason ?? ''])}
      />
    </Box>
  );
};

export default OrderDetails;
