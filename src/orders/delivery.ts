import type { Queryable } from '../shared/db.js';
import { Unprocessable, ValidationFailed } from '../shared/errors.js';
import { findAddress } from '../addresses/address-book.js';
import { normalizePhone, type AddressFields } from '../addresses/schemas.js';
import type { CheckoutBody } from './schemas.js';

/** Where an order goes, how, and who to call: what checkout snapshots on the order. */
export type Delivery = { address: AddressFields; methodId: string; email: string | null; phone: string; cashOnDelivery: boolean };

export class ShippingAddressRequired extends Unprocessable {
  constructor() {
    super('SHIPPING_ADDRESS_REQUIRED', 'Send shippingAddress (the address fields) or addressId (one of your saved addresses)');
  }
}

export class ShippingMethodRequired extends Unprocessable {
  constructor() {
    super('SHIPPING_METHOD_REQUIRED', 'Send shippingMethodId: one of GET /api/shipping-options?country=<the address country>');
  }
}

/** The delivery a checkout (or its quote) asks for: a saved address is copied, the contact defaults filled in. */
export async function resolveDelivery(db: Queryable, caller: { userId: string; email: string | null }, body: CheckoutBody): Promise<Delivery> {
  const address = body.shippingAddress ?? (body.addressId ? await findAddress(db, caller.userId, body.addressId) : undefined);
  if (!address) throw new ShippingAddressRequired();
  if (!body.shippingMethodId) throw new ShippingMethodRequired();
  const phone = body.phone === undefined ? address.phone : normalizePhone(body.phone, address.country);
  if (!phone) throw new ValidationFailed([{ path: 'phone', message: `is not a valid phone number for ${address.country}` }]);
  const { recipientName, line1, line2, city, region, postalCode, country } = address;
  return {
    address: { recipientName, phone: address.phone, line1, line2, city, region, postalCode, country },
    methodId: body.shippingMethodId,
    email: body.email ?? caller.email,
    phone,
    cashOnDelivery: body.paymentMethod === 'cod',
  };
}
