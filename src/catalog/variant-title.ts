// How a variant is named wherever it is shown: its option values in the product's option order,
// joined by " / " ("M / Red"); NULL for a product without options. With the product's title:
// "T-shirt — M / Red".

/** SQL for the variant title of the product_variants row aliased `v` (one correlated subquery). */
export const variantTitleSql = (v = 'v') =>
  `(SELECT string_agg(${v}.option_values ->> o.name, ' / ' ORDER BY o.position, o.name) FROM product_options o WHERE o.product_id = ${v}.product_id)`;

export const fullTitle = (productTitle: string, variantTitle: string | null) => (variantTitle ? `${productTitle} — ${variantTitle}` : productTitle);
