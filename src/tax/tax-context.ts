// Which rate applies where, and how the store's prices relate to tax (store_settings).

/** SQL: the store's settings and the rate for country $country and region $region (the region's rate wins; 0 without a rate). */
export const taxContextSql = (country: string, region: string) => `
  SELECT s.prices_include_tax AS "pricesIncludeTax", s.tax_shipping AS "taxShipping",
         coalesce((SELECT t.rate_ppm FROM tax_rates t
                    WHERE t.country = ${country} AND (t.region IS NULL OR lower(t.region) = lower(${region}))
                    ORDER BY t.region IS NULL LIMIT 1), 0) AS "ratePpm"
    FROM store_settings s`;

export type TaxContext = { pricesIncludeTax: boolean; taxShipping: boolean; ratePpm: number };
