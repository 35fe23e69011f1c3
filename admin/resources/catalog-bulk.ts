// Bulk catalog work in the panel: the list bulk actions on products and variants (each one
// transaction, audited: src/catalog/bulk-edits.ts), the CSV export, and the import runs
// (src/catalog/product-import.ts) as a read-only resource with its upload page and report.
import type { ActionContext, ActionRequest, ActionResponse, BulkActionResponse, RecordJSON, ResourceOptions } from 'adminjs';
import type pg from 'pg';
import { z } from 'zod';
import { adjustPrices, BulkEditRefused, editProducts } from '../../src/catalog/bulk-edits.js';
import { percentageRule } from '../../src/catalog/price-adjustment.js';
import { IMPORT_STATUSES, readImport, type ProductImport } from '../../src/catalog/product-import.js';
import type { ComponentNames } from '../components.js';
import { PANEL_EXPORT_PATH, PANEL_IMPORT_PATH } from '../catalog-bulk-pages.js';
import { NAVIGATION, onlyOnShow, prismaResource, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';

/** What the bulk form asks for besides the selection (admin/components/bulk-edit.tsx). */
type BulkField = 'none' | 'category' | 'percentage';

type BulkWork = (ids: string[], payload: Record<string, unknown>, staffId: string) => Promise<string>;

const categoryChoice = z.preprocess((v) => (v === '' || v === undefined ? null : v), z.uuid({ error: 'choose a category' }).nullable());

/**
 * One bulk action: opening it shows the selection and the form (GET); the POST does the work,
 * answering a refusal (nothing changed) as an error notice on the same page.
 */
function bulkAction(components: ComponentNames, options: { icon: string; question: string; field: BulkField; submit: string; work: BulkWork }) {
  return {
    actionType: 'bulk' as const,
    icon: options.icon,
    component: components.BulkEdit,
    custom: { question: options.question, field: options.field, submit: options.submit },
    handler: async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<BulkActionResponse> => {
      const { records = [], currentAdmin, resource, h } = context;
      const json = records.map((record) => record.toJSON(currentAdmin));
      if (request.method !== 'post') return { records: json };
      try {
        const message = await options.work(
          records.map((r) => String(r.id())),
          request.payload ?? {},
          String(currentAdmin!.id),
        );
        return { records: json, notice: { message, type: 'success' }, redirectUrl: h.resourceUrl({ resourceId: resource.id() }) };
      } catch (err) {
        if (err instanceof BulkEditRefused) return { records: json, notice: { message: err.message, type: 'error' } };
        if (err instanceof z.ZodError) return { records: json, notice: { message: err.issues.map((i) => i.message).join('; '), type: 'error' } };
        throw err;
      }
    },
  };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The bulk actions of the products list. */
export function productBulkActions(pool: pg.Pool, components: ComponentNames) {
  const setActive =
    (active: boolean): BulkWork =>
    async (ids, _payload, staffId) =>
      `${plural(await editProducts(pool, ids, { active }, staffId), 'product')} ${active ? 'activated' : 'deactivated'}`;
  return {
    activate: bulkAction(components, {
      icon: 'Eye',
      question: 'Activate these products? They are listed and sold again.',
      field: 'none',
      submit: 'Activate',
      work: setActive(true),
    }),
    deactivate: bulkAction(components, {
      icon: 'EyeOff',
      question: 'Deactivate these products? They leave the listing and cannot be bought.',
      field: 'none',
      submit: 'Deactivate',
      work: setActive(false),
    }),
    setCategory: bulkAction(components, {
      icon: 'Folder',
      question: 'Move these products to a category (or to none).',
      field: 'category',
      submit: 'Set category',
      work: async (ids, payload, staffId) => {
        const categoryId = categoryChoice.parse(payload.categoryId);
        return `${plural(await editProducts(pool, ids, { categoryId }, staffId), 'product')} moved`;
      },
    }),
    adjustPrices: adjustPricesAction(pool, components, 'Change the price of every variant of these products by a percentage.', (ids) => ({
      productIds: ids,
    })),
  };
}

/** The bulk actions of the variants list. */
export function variantBulkActions(pool: pg.Pool, components: ComponentNames) {
  return {
    adjustPrices: adjustPricesAction(pool, components, 'Change the price of these variants by a percentage.', (ids) => ({ variantIds: ids })),
  };
}

/** Adjust prices, on either list: the variants it changes are those of the chosen records (`of`). */
function adjustPricesAction(pool: pg.Pool, components: ComponentNames, question: string, of: (ids: string[]) => Parameters<typeof adjustPrices>[1]) {
  return bulkAction(components, {
    icon: 'Percent',
    question,
    field: 'percentage',
    submit: 'Adjust prices',
    work: async (ids, payload, staffId) => {
      const basisPoints = percentageRule.parse(payload.percentage);
      return `${plural(await adjustPrices(pool, of(ids), basisPoints, staffId), 'variant price')} changed`;
    },
  });
}

/** The products list's Export CSV: a page with the download link (a download is no React page of its own). */
export function productExportAction(components: ComponentNames) {
  return {
    actionType: 'resource' as const,
    icon: 'Download',
    component: components.ProductExport,
    custom: { exportUrl: PANEL_EXPORT_PATH, importsUrl: '/admin/resources/ProductImport/actions/upload' },
    handler: async (): Promise<ActionResponse> => ({}),
  };
}

/** Rows and errors a run's page lists (its counts cover them all): a page stays light for a file of 100k rows. */
export const LISTED_ON_THE_PAGE = 500;

/** A run as its page shows it: the rows that change something and the errors, the first of each. */
function forThePage(run: ProductImport) {
  const changing = run.rows.filter((r) => r.action === 'create' || r.action === 'update' || r.product?.action === 'update');
  return { ...run, rows: changing.slice(0, LISTED_ON_THE_PAGE), changingRows: changing.length, errors: run.errors.slice(0, LISTED_ON_THE_PAGE) };
}

/** Import runs: the upload page, and each run's progress and report (read-only: runs are made by uploads). */
export function productImportResources(kit: ResourceKit, pool: pg.Pool) {
  const { components } = kit;
  const options: ResourceOptions = {
    navigation: NAVIGATION.catalog,
    properties: {
      id: { isVisible: onlyOnShow },
      fileName: { isTitle: true },
      status: { availableValues: IMPORT_STATUSES.map((value) => ({ value, label: value })) },
      run: { type: 'string', isVisible: onlyOnShow, components: { show: components.ProductImportReport } },
    },
    listProperties: ['createdAt', 'fileName', 'dryRun', 'status', 'totalRows', 'errorCount'],
    filterProperties: ['status', 'dryRun', 'createdAt'],
    showProperties: ['fileName', 'run', 'createdAt', 'id'],
    sort: { sortBy: 'createdAt', direction: 'desc' },
    actions: {
      ...READ_ONLY_ACTIONS,
      upload: {
        actionType: 'resource',
        icon: 'Upload',
        component: components.ProductImportUpload,
        custom: { uploadUrl: PANEL_IMPORT_PATH, exportUrl: PANEL_EXPORT_PATH },
        handler: async () => ({}),
      },
      show: {
        after: async (response: ActionResponse) => {
          const record = response.record as RecordJSON & { run?: unknown };
          const run = record?.id ? await readImport(pool, String(record.id)) : undefined;
          if (run) record.run = { ...forThePage(run), applyUrl: `${PANEL_IMPORT_PATH}/${run.id}/apply` };
          return response;
        },
      },
    },
  };
  // the upload and the report are read through readImport, never into the panel's records
  return [prismaResource(kit, 'ProductImport', options, { hide: ['csv', 'report', 'summary', 'checkedImport', 'applies'] })];
}
