import countries from 'i18n-iso-countries';
import { z } from 'zod';

export const shippingOptionsQuery = z.strictObject({
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine((code) => /^[A-Z]{2}$/.test(code) && countries.isValid(code), 'is not an ISO 3166-1 alpha-2 country code, e.g. BD or US'),
});
