import React from 'react';
import { Box, Link, Text } from '@adminjs/design-system';
import type { BasePropertyProps, RecordJSON } from 'adminjs';
import type { CustomerDetail } from '../../src/customers/customer-view.ts';
import { formatMoney } from './money.ts';
import { Field, recordUrl, Section, when } from './page-sections.tsx';

/** Whether the customer may check out; if not, since when, who decided and why. */
function Checkout({ block }: { block: CustomerDetail['block'] }) {
  if (!block) return <Text>Allowed</Text>;
  return (
    <>
      <Text fontWeight="bold" color="error">{`Blocked since ${when(block.at)} by ${block.by.name ?? block.by.id}`}</Text>
      <Text>{block.reason}</Text>
    </>
  );
}

/**
 * The customer page below the identity fields (Clerk's, read-only): their phone (the default
 * address's), whether they may check out, what they spent, where they ship, their orders and
 * the staff's notes. The staff view of readCustomer,
 * attached to the record by the show action.
 */
const CustomerDetails: React.FC<BasePropertyProps> = ({ record }) => {
  const details = (record as (RecordJSON & { customerDetails?: CustomerDetail }) | undefined)?.customerDetails;
  if (!details) return <Text color="grey60">A staff account: it has no customer page.</Text>;
  return (
    <Box data-testid="customer-details">
      <Box flex flexDirection="row" flexWrap="wrap" mb="xl">
        <Field label="Phone" testId="customer-phone">
          <Text>{details.addresses[0]?.phone ?? 'None saved'}</Text>
        </Field>
        <Field label="Customer since" testId="customer-since">
          <Text>{when(details.createdAt)}</Text>
        </Field>
        <Field label="Checkout" testId="customer-checkout">
          <Checkout block={details.block} />
        </Field>
      </Box>
      <Section
        title="Lifetime spend (paid, shipped, delivered and partly refunded orders, less refunds)"
        empty="Nothing spent yet"
        testId="lifetime-spend"
        headers={['Currency', 'Spent', 'Orders']}
        rows={details.spend.map((s) => [s.currency, formatMoney(s.totalMinor, s.currency), s.orders])}
      />
      <Section
        title="Orders"
        empty="No orders yet"
        testId="customer-orders"
        headers={['Number', 'Placed', 'Status', 'Items', 'Total']}
        rows={details.orders.items.map((o) => [
          <Link href={recordUrl('Order', o.id)}>{o.number}</Link>,
          when(o.createdAt),
          o.status,
          o.itemCount,
          formatMoney(o.totalMinor, o.currency),
        ])}
      />
      <Section
        title="Addresses"
        empty="No saved addresses"
        testId="customer-addresses"
        headers={['Recipient', 'Phone', 'Address', 'Country', '']}
        rows={details.addresses.map((a) => [
          a.recipientName,
          a.phone,
          [a.line1, a.line2, a.city, a.region, a.postalCode].filter(Boolean).join(', '),
          a.country,
          a.isDefault ? 'Default' : '',
        ])}
      />
      <Section
        title="Staff notes"
        empty="No notes yet"
        testId="customer-notes"
        wrap
        headers={['When', 'By', 'Note']}
        rows={details.notes.map((n) => [when(n.createdAt), n.author.name ?? n.author.id, n.body])}
      />
    </Box>
  );
};

export default CustomerDetails;
