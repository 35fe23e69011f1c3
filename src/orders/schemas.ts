import { z } from 'zod';
import { addressFields } from '../addresses/schemas.js';
import { ORDER_STATUSES } from './statuses.js';

/** What checkout and its quote take: where the order goes, how, who to contact, and the total the buyer saw. */
export const checkoutBody = z
  .strictObject({
    /** inline, or addressId: one of the caller's saved addresses */
    shippingAddress: addressFields.optional(),
    addressId: z.guid().optional(),
    shippingMethodId: z.guid().optional(),
    /** defaults to the email of the signed-in identity */
    email: z.email().max(254).optional(),
    /** defaults to the address's phone */
    phone: z.string().trim().min(1).max(30).optional(),
    /** cash on delivery (where the shipping method offers it): the order is confirmed at once and paid at the door */
    paymentMethod: z.enum(['cod']).optional(),
    /** the total the buyer was shown; if the order would now cost something else, nothing is ordered */
    expectedTotalMinor: z.number().int().min(0).optional(),
  })
  .refine((body) => body.shippingAddress === undefined || body.addressId === undefined, {
    path: ['addressId'],
    message: 'send either shippingAddress or addressId, not both',
  });

export type CheckoutBody = z.infer<typeof checkoutBody>;

// Visible ASCII, like the keys clients generate (UUIDs, ULIDs, random tokens).
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/, '1 to 255 visible ASCII characters');

export const orderIdParams = z.object({ id: z.uuid() });

const pageFields = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
};

export const orderListQuery = z.object(pageFields).strict();

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((v) => new Date(v));

export const staffOrderListQuery = z
  .object({
    ...pageFields,
    status: z.enum(ORDER_STATUSES).optional(),
    /** created at or after */
    from: instant.optional(),
    /** created before */
    to: instant.optional(),
    /** the customer's user id or email */
    customer: z.union([z.uuid(), z.email()]).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

const label = z.string().trim().min(1).max(100);

export const shipBody = z.object({ carrier: label, trackingNumber: label }).strict();

export const staffCancelBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/** For a cash-on-delivery order, what the courier collected; ignored for an order paid online. */
export const deliverBody = z.strictObject({ cashCollectedMinor: z.number().int().min(0).max(2_147_483_647).optional() });
export const returnBody = staffCancelBody;
