import type { Action, ActionResponse, RecordActionResponse, RecordJSON } from 'adminjs';
import type pg from 'pg';
import { z } from 'zod';
import { AppError } from '../../src/shared/errors.js';
import { canTransition, fulfilmentOf, refundPath, type OrderStatus } from '../../src/orders/statuses.js';
import { cancelOrderByStaff, deliverOrder, returnOrder, shipOrder, type RefundOrder, type StaffRefundRequest } from '../../src/orders/staff-actions.js';
import { fromDecimal } from '../../src/payments/money.js';
import { ValidationFailed } from '../../src/shared/errors.js';
import { readOrder } from '../../src/orders/order-views.js';
import type { ComponentNames } from '../components.js';
import { isUuid } from '../prisma-resource.js';
import { asValidationError, moneyShown, NAVIGATION, onlyOnShow, prismaResource, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';

/** Refunds an order through its payment gateway; provided by the payments module. */

type Field = { name: string; label: string; required: boolean };
type OrderParams = { status?: unknown; paidAt?: unknown; paymentMethod?: unknown; shippedAt?: unknown; deliveredAt?: unknown };
type Transition<I> = {
  name: string;
  to: OrderStatus;
  icon: string;
  /** what the confirmation asks */
  question: string;
  fields: Field[];
  /** a further condition on the order, beyond its status */
  onlyIf?: (order: OrderParams) => boolean;
  /** when the action is offered, instead of "the order can move to `to`" (a refund of part leaves it PARTIALLY_REFUNDED) */
  offeredIf?: (order: OrderParams) => boolean;
  /** the form lists the order's lines (refund units of them): the record carries the staff view of the order */
  lineFields?: boolean;
  input: z.ZodType<I>;
  run(orderId: string, staffId: string, input: I): Promise<unknown>;
};

const required = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(100, `${label}: at most 100 characters`);

const optionalReason = z.object({
  reason: z
    .string()
    .trim()
    .max(500, 'Reason: at most 500 characters')
    .optional()
    .transform((v) => v || undefined),
});

const isCashOnDelivery = (order: { paymentMethod?: unknown }) => order.paymentMethod === 'cod';

function transitions(pool: pg.Pool, refundOrder: RefundOrder): Transition<never>[] {
  const list = [
    {
      name: 'ship',
      to: 'SHIPPED',
      icon: 'Truck',
      question: 'Hand this order to the carrier?',
      fields: [
        { name: 'carrier', label: 'Carrier', required: true },
        { name: 'trackingNumber', label: 'Tracking number', required: true },
      ],
      input: z.object({ carrier: required('Carrier'), trackingNumber: required('Tracking number') }),
      run: (orderId: string, staffId: string, input: { carrier: string; trackingNumber: string }) => shipOrder(pool, orderId, staffId, input),
    },
    {
      name: 'deliver',
      to: 'DELIVERED',
      icon: 'CheckCircle',
      question: 'Mark this order as delivered?',
      fields: [],
      input: z.object({}),
      onlyIf: (order: { paymentMethod?: unknown }) => !isCashOnDelivery(order),
      run: (orderId: string, staffId: string) => deliverOrder(pool, orderId, staffId),
    },
    {
      name: 'deliverCashOnDelivery',
      to: 'DELIVERED',
      icon: 'DollarSign',
      question: 'Delivered, and the courier collected the cash? The order is then paid.',
      fields: [{ name: 'cashCollected', label: 'Cash collected (e.g. 22.00)', required: true }],
      input: z.object({ cashCollected: required('Cash collected') }),
      onlyIf: isCashOnDelivery,
      run: async (orderId: string, staffId: string, input: { cashCollected: string }) => {
        const { rows } = await pool.query<{ currency: string }>(`SELECT currency FROM orders WHERE id = $1`, [orderId]);
        const cashMinor = fromDecimal(input.cashCollected, rows[0]?.currency ?? 'USD');
        if (cashMinor === null) throw new ValidationFailed([{ path: 'cashCollected', message: `is not an amount of ${rows[0]?.currency}, e.g. 22.00` }]);
        return deliverOrder(pool, orderId, staffId, cashMinor);
      },
    },
    {
      name: 'return',
      to: 'RETURNED',
      icon: 'CornerUpLeft',
      question: 'The buyer refused the parcel at the door and it came back? Its items go back into stock.',
      fields: [{ name: 'reason', label: 'Reason (optional)', required: false }],
      input: optionalReason,
      onlyIf: isCashOnDelivery,
      run: (orderId: string, staffId: string, input: { reason?: string }) => returnOrder(pool, orderId, staffId, input.reason),
    },
    {
      name: 'cancel',
      to: 'CANCELLED',
      icon: 'XCircle',
      question: 'Cancel this order? Its items go back into stock.',
      fields: [{ name: 'reason', label: 'Reason (optional)', required: false }],
      input: optionalReason,
      run: (orderId: string, staffId: string, input: { reason?: string }) => cancelOrderByStaff(pool, refundOrder, orderId, staffId, input.reason),
    },
    {
      name: 'refund',
      to: 'REFUNDED',
      icon: 'RotateCcw',
      question:
        'Refund through the payment gateway: an amount, or units of the lines below (with restock if they go back on the shelf). Leave everything empty to refund all that is left.',
      fields: [{ name: 'amount', label: 'Amount (e.g. 5.00), for shipping or a goodwill refund', required: false }],
      lineFields: true,
      // a cancelled order that was never paid has nothing to refund
      offeredIf: (order: OrderParams) => Boolean(order.paidAt) && Boolean(refundPath(order.status as OrderStatus, fulfilmentOf(order))),
      input: z.record(z.string(), z.unknown()),
      run: async (orderId: string, staffId: string, form: Record<string, unknown>) =>
        refundOrder(orderId, staffId, undefined, await refundRequest(pool, orderId, form)),
    },
  ];
  return list as unknown as Transition<never>[];
}

/** Where the refund form puts the units of each line: `line:<order item id>`. */
const LINE_FIELD = 'line:';

/** The refund form as the payments module takes it: an amount in the order's currency, or units of lines; nothing: all that is left. */
async function refundRequest(pool: pg.Pool, orderId: string, form: Record<string, unknown>): Promise<StaffRefundRequest> {
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '');
  const lines = Object.entries(form)
    .filter(([name, units]) => name.startsWith(LINE_FIELD) && text(units) !== '')
    .map(([name, units]) => {
      const quantity = Number(text(units));
      if (!isUuid(name.slice(LINE_FIELD.length)) || !Number.isInteger(quantity) || quantity < 0)
        throw new ValidationFailed([{ path: name, message: 'a whole number of units' }]);
      return { orderItemId: name.slice(LINE_FIELD.length), quantity };
    })
    .filter((line) => line.quantity > 0);
  const amount = text(form.amount);
  if (amount && lines.length) throw new ValidationFailed([{ path: 'amount', message: 'an amount, or units of lines, not both' }]);
  if (lines.length) return { lines, restock: form.restock === true || form.restock === 'true' };
  if (!amount) return {};
  const { rows } = await pool.query<{ currency: string }>(`SELECT currency FROM orders WHERE id = $1`, [orderId]);
  const amountMinor = fromDecimal(amount, rows[0]?.currency ?? 'USD');
  if (!amountMinor) throw new ValidationFailed([{ path: 'amount', message: `is not an amount of ${rows[0]?.currency} above 0, e.g. 5.00` }]);
  return { amountMinor };
}

/**
 * An order page action over the one state machine. Shown only when the order's status allows
 * it; GET only shows the form (a link must never change an order); POST performs it, and a
 * refusal (someone else moved the order first, say) comes back as a clear error notice.
 */
function transitionAction(pool: pg.Pool, transition: Transition<never>, components: ComponentNames): Action<ActionResponse> {
  return {
    name: transition.name,
    actionType: 'record',
    icon: transition.icon,
    component: components.OrderAction,
    custom: { question: transition.question, fields: transition.fields, lineFields: transition.lineFields ?? false },
    isVisible: ({ record }) =>
      !!record &&
      (transition.offeredIf
        ? transition.offeredIf(record.params)
        : canTransition(record.get('status') as OrderStatus, transition.to, fulfilmentOf(record.params)) && (transition.onlyIf?.(record.params) ?? true)),
    handler: async (request, _response, context): Promise<RecordActionResponse> => {
      const { record, currentAdmin, h, resource } = context;
      if (!record || !currentAdmin?.id) throw new Error('an order action needs an order and a signed-in staff member');
      if (request.method !== 'post') {
        const shown = record.toJSON(currentAdmin);
        if (transition.lineFields) Object.assign(shown, { orderDetails: await readOrder(pool, String(record.id()), { audience: 'staff' }) });
        return { record: shown };
      }
      const input = transition.input.safeParse(request.payload ?? {});
      if (!input.success) throw asValidationError(input.error);
      const orderId = String(record.id());
      try {
        await transition.run(orderId, String(currentAdmin.id), input.data);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { record: record.toJSON(currentAdmin), notice: { message: err.detail ?? err.title, type: 'error' } };
      }
      const fresh = (await resource.findOne(orderId)) ?? record;
      return {
        record: fresh.toJSON(currentAdmin),
        notice: { message: `Order ${String(fresh.get('number'))} is now ${String(fresh.get('status'))}`, type: 'success' },
        redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: orderId, actionName: 'show' }),
      };
    },
  };
}

export function orderResources(kit: ResourceKit, pool: pg.Pool, refundOrder: RefundOrder) {
  const { components } = kit;
  const money = moneyShown(components);
  const actions = Object.fromEntries(transitions(pool, refundOrder).map((t) => [t.name, transitionAction(pool, t, components)]));
  return [
    prismaResource(
      kit,
      'Order',
      {
        navigation: NAVIGATION.sales,
        properties: {
          id: { isVisible: onlyOnShow },
          number: { isTitle: true },
          subtotalMinor: money,
          shippingMinor: money,
          codFeeMinor: money,
          taxMinor: money,
          shippingTaxMinor: money,
          totalMinor: money,
          // the address, contact and amounts are laid out by the details component
          shippingAddress: { isVisible: false },
          shippingMethod: { description: 'As chosen at checkout (the order keeps its name and price if the method changes)' },
          // a filter only: orders whose method ships to this zone (customFilters below)
          zone: { type: 'reference', reference: 'ShippingZone', isVisible: { list: false, filter: true, show: false, edit: false } },
          details: { type: 'string', isVisible: onlyOnShow, components: { show: components.OrderDetails } },
        },
        listProperties: ['number', 'status', 'user', 'shippingMethod', 'totalMinor', 'itemCount', 'createdAt'],
        filterProperties: ['status', 'shippingMethod', 'zone', 'createdAt', 'user', 'number', 'paidAt'],
        showProperties: [
          'number',
          'status',
          'user',
          'totalMinor',
          'itemCount',
          'carrier',
          'trackingNumber',
          'details',
          'createdAt',
          'paidAt',
          'shippedAt',
          'deliveredAt',
          'cancelledAt',
          'expiresAt',
        ],
        sort: { sortBy: 'createdAt', direction: 'desc' },
        actions: {
          // status, totals and lines change only through the actions below
          ...READ_ONLY_ACTIONS,
          show: {
            after: async (response: RecordActionResponse) => {
              const order = response.record as RecordJSON & { orderDetails?: unknown };
              if (order?.id) order.orderDetails = await readOrder(pool, String(order.id), { audience: 'staff' });
              return response;
            },
          },
          ...actions,
        },
      },
      {
        customFilters: {
          // through the order's method (orders without one, placed before delivery, are in no zone)
          zone: (value) => (isUuid(value) ? { shippingMethod: { is: { zoneId: value } } } : { id: { in: [] } }),
        },
      },
    ),
    prismaResource(kit, 'OrderItem', {
      navigation: NAVIGATION.sales,
      properties: { unitPriceMinor: money, lineTotalMinor: money, taxMinor: money },
      listProperties: ['order', 'sku', 'title', 'variantTitle', 'quantity', 'unitPriceMinor', 'lineTotalMinor', 'taxMinor'],
      filterProperties: ['order', 'product', 'variant', 'sku', 'title'],
      actions: READ_ONLY_ACTIONS,
    }),
  ];
}
