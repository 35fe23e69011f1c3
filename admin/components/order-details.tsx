import React from 'react';
import { Box, H5, Link, Table, TableBody, TableCell, TableRow, Text } from '@adminjs/design-system';
import type { BasePropertyProps, RecordJSON } from 'adminjs';
import type { Order } from '../../src/orders/order-views.ts';
import { currencyOf, formatMoney } from './money.ts';
import { Field, recordUrl, Section, when } from './page-sections.tsx';

/** Where the order goes, who to call and how it ships, as placed; and a link to its packing slip. */
function Delivery({ details }: { details: Order }) {
  const address = details.shippingAddress;
  const cityLine = address ? [address.city, address.region, address.postalCode].filter(Boolean).join(' ') : '';
  return (
    <Box mb="xl">
      <H5>Delivery</H5>
      <Box flex flexDirection="row" flexWrap="wrap">
        <Field label="Ship to" testId="ship-to">
          {address ? (
            [address.recipientName, address.line1, address.line2, cityLine, address.country].filter(Boolean).map((text, i) => <Text key={i}>{text}</Text>)
          ) : (
            <Text>No shipping address: this order was placed before the shop took delivery details.</Text>
          )}
        </Field>
        <Field label="Contact" testId="contact">
          <Text>{details.contact.email ?? 'No email'}</Text>
          <Text>{details.contact.phone ?? address?.phone ?? 'No phone'}</Text>
        </Field>
        <Field label="Shipping method" testId="shipping-method">
          {details.shippingMethod ? (
            details.shippingMethod.id ? (
              <Link href={recordUrl('ShippingMethod', details.shippingMethod.id)}>{details.shippingMethod.name}</Link>
            ) : (
              <Text>{`${details.shippingMethod.name} (method since deleted)`}</Text>
            )
          ) : (
            <Text>None (placed before delivery existed)</Text>
          )}
        </Field>
        {details.shipping.trackingNumber ? (
          <Field label="Tracking" testId="tracking">
            <Text>{details.shipping.carrier}</Text>
            {/* the carrier's template is http(s) only (a CHECK on carriers) */}
            {details.shipping.trackingUrl ? (
              <Link href={details.shipping.trackingUrl} target="_blank" rel="noopener noreferrer">
                {details.shipping.trackingNumber}
              </Link>
            ) : (
              <Text>{details.shipping.trackingNumber}</Text>
            )}
          </Field>
        ) : null}
      </Box>
      {/* a page of its own, printed from the browser: not part of the panel's app */}
      <Link href={`/admin/orders/${details.id}/packing-slip`} target="_blank" rel="noopener" data-testid="packing-slip-link">
        Packing slip (printable)
      </Link>
    </Box>
  );
}

/** Subtotal, shipping, cash-on-delivery fee, tax (inside the prices, or added) and total. */
function Amounts({ details, codFeeMinor, currency }: { details: Order; codFeeMinor: number; currency: string }) {
  const rows: [string, string, number][] = [
    ['Subtotal', 'amount-subtotal', details.subtotalMinor],
    ['Shipping', 'amount-shipping', details.shippingMinor],
    ...(codFeeMinor > 0 ? [['Cash-on-delivery fee', 'amount-cod-fee', codFeeMinor] as [string, string, number]] : []),
    [details.taxIncluded ? 'Tax (included)' : 'Tax', 'amount-tax', details.taxMinor],
    ['Total', 'amount-total', details.totalMinor],
  ];
  return (
    <Box mb="xl" data-testid="amounts">
      <H5>Amounts</H5>
      <Table>
        <TableBody>
          {rows.map(([label, testId, minor]) => (
            <TableRow key={testId} data-testid={testId}>
              <TableCell>{label}</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>{formatMoney(minor, currency)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** What the order's refunds give back so far, and each refund: its amount, or its lines and units. */
function Refunds({ details }: { details: Order }) {
  const titles = new Map(details.items.map((i) => [i.id, i.title]));
  return (
    <Box data-testid="refunds">
      <Text
        mb="default"
        data-testid="refunded-so-far"
      >{`Refunded so far: ${formatMoney(details.refundedMinor, details.currency)} of ${formatMoney(details.totalMinor, details.currency)}`}</Text>
      <Section
        title="Refunds"
        empty="No refunds"
        headers={['When', 'Amount', 'What', 'Restocked', 'Status', 'By']}
        rows={details.refunds.map((r) => [
          when(r.createdAt),
          formatMoney(r.amountMinor, r.currency),
          r.lines.length ? r.lines.map((l) => `${titles.get(l.orderItemId) ?? l.orderItemId} x ${l.quantity}`).join(', ') : 'An amount',
          r.lines.length ? (r.restock ? 'Yes' : 'No') : '',
          r.failureReason ? `${r.status} (${r.failureReason})` : r.status,
          r.actorEmail ?? r.actor ?? '',
        ])}
      />
    </Box>
  );
}

/** The order page's delivery, amounts, lines, payments and status history: the staff view of readOrder, attached to the record by the show action. */
const OrderDetails: React.FC<BasePropertyProps> = ({ record }) => {
  const details = (record as (RecordJSON & { orderDetails?: Order }) | undefined)?.orderDetails;
  if (!details) return null;
  const currency = currencyOf(record?.params);
  const codFeeMinor = Number(record?.params?.codFeeMinor ?? 0) || 0;
  return (
    <Box data-testid="order-details">
      <Delivery details={details} />
      <Amounts details={details} codFeeMinor={codFeeMinor} currency={currency} />
      <Section
        title="Items"
        empty="No items"
        headers={['SKU', 'Title', 'Unit price', 'Quantity', 'Refunded', 'Line total', details.taxIncluded ? 'Tax (included)' : 'Tax']}
        rows={details.items.map((i) => [
          i.variantId ? <Link href={recordUrl('ProductVariant', i.variantId)}>{i.sku}</Link> : i.sku,
          i.productId ? <Link href={recordUrl('Product', i.productId)}>{i.title}</Link> : i.title,
          formatMoney(i.unitPriceMinor, currency),
          i.quantity,
          i.refundedQuantity,
          formatMoney(i.lineTotalMinor, currency),
          formatMoney(i.taxMinor, currency),
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
      <Refunds details={details} />
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
