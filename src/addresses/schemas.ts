import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import { parsePhoneNumberFromString, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';
import { z } from 'zod';

// A postal address as the shop takes it, from the address book and inline at checkout. The
// rules, in one place: the country is a real ISO 3166-1 alpha-2 code; the phone is a number that
// is valid for that country (libphonenumber's full metadata), stored in E.164; a postal code is
// required, and must have the country's shape, where the country uses postal codes (those
// postcode-validator knows a format for); every text is trimmed and bounded.

// The full metadata ("max": validity per number type), read as plain JSON: the /max entry point
// imports it as a JSON module, which not every ESM loader hands over the same way.
const phoneMetadata = createRequire(import.meta.url)('libphonenumber-js/metadata.max.json') as MetadataJson;

const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `at most ${max} characters`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((v) => v || null);

const country = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => /^[A-Z]{2}$/.test(code) && countries.isValid(code), 'is not an ISO 3166-1 alpha-2 country code, e.g. BD or US');

const fields = {
  recipientName: text(100),
  phone: z.string().trim().min(1, 'is required').max(30, 'at most 30 characters'),
  line1: text(200),
  line2: optionalText(200),
  city: text(100),
  region: optionalText(100),
  postalCode: optionalText(20),
  country,
};

export type AddressFields = {
  recipientName: string;
  phone: string;
  line1: string;
  line2: string | null;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string;
};

/** The phone in E.164, read in `country` unless it starts with +; null when it is not a valid number there. */
export function normalizePhone(raw: string, country: string): string | null {
  const phone = parsePhoneNumberFromString(raw, country as CountryCode, phoneMetadata);
  return phone?.isValid() ? phone.number : null;
}

/** Checks what depends on the country (phone, postal code) and normalises the phone to E.164. */
function checkAgainstCountry<T extends { phone?: string; postalCode?: string | null; country?: string }>(address: T, ctx: z.RefinementCtx): T {
  if (!address.country || !countries.isValid(address.country)) return address;
  const result = { ...address };
  if (address.phone !== undefined) {
    const phone = normalizePhone(address.phone, address.country);
    if (!phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: `is not a valid phone number for ${address.country}` });
    else result.phone = phone;
  }
  if (address.postalCode !== undefined && postcodeValidatorExistsForCountry(address.country)) {
    if (!address.postalCode) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: `is required in ${address.country}` });
    else if (!postcodeValidator(address.postalCode, address.country))
      ctx.addIssue({ code: 'custom', path: ['postalCode'], message: `is not a postal code of ${address.country}` });
  }
  return result;
}

/** A whole address (checkout's inline address, a new address book entry). */
export const addressFields = z
  .strictObject({ ...fields, postalCode: fields.postalCode.default(null) })
  .transform((address, ctx) => checkAgainstCountry(address, ctx) as AddressFields);

export const newAddressBody = z
  .strictObject({ ...fields, postalCode: fields.postalCode.default(null), isDefault: z.boolean().default(false) })
  .transform((address, ctx) => checkAgainstCountry(address, ctx));

/**
 * A change to an address book entry: any fields. The phone and postal code are checked against
 * the country the address ends up with, so the route merges the stored address in first.
 */
export const addressChangeBody = z
  .strictObject({ ...Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, schema.optional()])), isDefault: z.boolean().optional() })
  .refine((change) => Object.keys(change).length > 0, 'send at least one field to change') as z.ZodType<Partial<AddressFields> & { isDefault?: boolean }>;

/** The stored address with the change applied, checked as a whole. */
export const changedAddress = z.strictObject({ ...fields }).transform((address, ctx) => checkAgainstCountry(address, ctx) as AddressFields);

export const addressRef = z.object({ id: z.guid() });
