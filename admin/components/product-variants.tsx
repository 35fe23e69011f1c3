import React, { useState } from 'react';
import { Badge, Box, Button, H5, Link, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, useNotice, type BasePropertyProps, type RecordJSON } from 'adminjs';
import type { ProductCatalog } from '../product-catalog.ts';
import { formatMoney } from './money.ts';

const api = new ApiClient();
const recordUrl = (resource: string, id: string, action = 'show') => `/admin/resources/${resource}/records/${id}/${action}`;
/** The new form of an option or variant, with the product chosen and the next position (a variant active). */
const newUrl = (resource: string, fields: Record<string, string>) => `/admin/resources/${resource}/actions/new?${new URLSearchParams(fields).toString()}`;

function Arrows({ onMove, first, last, label }: { onMove: (direction: 'up' | 'down') => void; first: boolean; last: boolean; label: string }) {
  return (
    <Box flex>
      <Button size="icon" variant="text" type="button" disabled={first} aria-label={`Move ${label} up`} title="Move up" onClick={() => onMove('up')}>
        ↑
      </Button>
      <Button size="icon" variant="text" type="button" disabled={last} aria-label={`Move ${label} down`} title="Move down" onClick={() => onMove('down')}>
        ↓
      </Button>
    </Box>
  );
}

/**
 * The product page's options and variants (attached by the product's show action): each with
 * an edit link and arrows to reorder it, and links to add an option or a variant to this product.
 */
const ProductVariants: React.FC<BasePropertyProps> = ({ record }) => {
  const initial = (record as (RecordJSON & { catalog?: ProductCatalog }) | undefined)?.catalog;
  const [catalog, setCatalog] = useState(initial);
  const [busy, setBusy] = useState(false);
  const addNotice = useNotice();
  if (!catalog) return null;
  const { productId, currency, options, variants } = catalog;

  const move = async (resourceId: string, recordId: string, direction: 'up' | 'down') => {
    setBusy(true);
    try {
      await api.recordAction({ resourceId, recordId, actionName: 'move', data: { direction } });
      const { data } = await api.recordAction({ resourceId: 'Product', recordId: productId, actionName: 'show' });
      setCatalog((data.record as RecordJSON & { catalog?: ProductCatalog }).catalog);
    } catch {
      addNotice({ message: 'Could not move it; reload the page and try again', type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box mb="xl" data-testid="product-variants">
      <Box mb="xl">
        <Box flex alignItems="center" justifyContent="space-between">
          <H5>{`Options (${options.length})`}</H5>
          <Button
            as="a"
            href={newUrl('ProductOption', { product: productId, position: String(options.length) })}
            size="sm"
            variant="outlined"
            data-testid="add-option"
          >
            Add option
          </Button>
        </Box>
        {options.length === 0 ? (
          <Text color="grey60">No options: this product is sold as one variant. Add an option (e.g. Size) to sell it in several.</Text>
        ) : (
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>Option</TableCell>
                <TableCell>Values</TableCell>
                <TableCell>Order</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {options.map((o, i) => (
                <TableRow key={o.id} data-testid={`option-${o.name}`}>
                  <TableCell>{o.name}</TableCell>
                  <TableCell>{o.values.join(', ')}</TableCell>
                  <TableCell>
                    <Arrows label={o.name} first={busy || i === 0} last={busy || i === options.length - 1} onMove={(d) => move('ProductOption', o.id, d)} />
                  </TableCell>
                  <TableCell>
                    <Link href={recordUrl('ProductOption', o.id, 'edit')} data-testid={`edit-option-${o.name}`}>
                      Edit
                    </Link>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
      <Box>
        <Box flex alignItems="center" justifyContent="space-between">
          <H5>{`Variants (${variants.length})`}</H5>
          <Button
            as="a"
            href={newUrl('ProductVariant', { product: productId, active: 'true', position: String(variants.length) })}
            size="sm"
            variant="contained"
            data-testid="add-variant"
          >
            Add variant
          </Button>
        </Box>
        {variants.length === 0 ? (
          <Text color="grey60">No variants yet: nothing of this product is for sale. Add a variant with its SKU, price and stock.</Text>
        ) : (
          <Table>
            <TableHead>
              <TableRow>
                <TableCell>Variant</TableCell>
                <TableCell>SKU</TableCell>
                <TableCell>Price</TableCell>
                <TableCell>Compare at</TableCell>
                <TableCell>Stock</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Order</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {variants.map((v, i) => (
                <TableRow key={v.id} data-testid={`variant-${v.sku}`}>
                  <TableCell>{v.title ?? '(no options)'}</TableCell>
                  <TableCell>
                    <Link href={recordUrl('ProductVariant', v.id)}>{v.sku}</Link>
                  </TableCell>
                  <TableCell style={{ whiteSpace: 'nowrap' }}>{formatMoney(v.priceMinor, currency)}</TableCell>
                  <TableCell style={{ whiteSpace: 'nowrap' }}>{v.compareAtPriceMinor === null ? '' : formatMoney(v.compareAtPriceMinor, currency)}</TableCell>
                  <TableCell>
                    <Badge variant={v.stock === 0 ? 'danger' : 'light'}>{v.stock}</Badge>
                  </TableCell>
                  <TableCell>{v.active ? 'Active' : 'Inactive'}</TableCell>
                  <TableCell>
                    <Arrows label={v.sku} first={busy || i === 0} last={busy || i === variants.length - 1} onMove={(d) => move('ProductVariant', v.id, d)} />
                  </TableCell>
                  <TableCell>
                    <Link href={recordUrl('ProductVariant', v.id, 'edit')} data-testid={`edit-variant-${v.sku}`}>
                      Edit
                    </Link>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    </Box>
  );
};

export default ProductVariants;
