// The staff panel: AdminJS over the shop's data, mounted by src/app.ts at /admin.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AdminJS from 'adminjs';
import { Database } from '@adminjs/prisma';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import type PgBoss from 'pg-boss';
import type { Config } from '../src/config.js';
import type { Db } from '../src/shared/db.js';
import type { ClerkOptions } from '../src/auth/clerk-options.js';
import type { Providers } from '../src/payments/providers/registry.js';
import { loadFullDmmf } from './dmmf.js';
import { panelComponents } from './components.js';
import { ShopPrismaResource } from './prisma-resource.js';
import { catalogResources } from './resources/catalog.js';
import { productImportResources } from './resources/catalog-bulk.js';
import { orderResources } from './resources/orders.js';
import type { RefundOrder } from '../src/orders/staff-actions.js';
import { staffRefunder } from '../src/payments/refunds.js';
import { paymentResources } from './resources/payments-and-people.js';
import { customerResources } from './resources/customers.js';
import { auditLogResources, withAuditTrail } from './resources/audit.js';
import { deliveryResources } from './resources/delivery.js';
import { webhookResources } from './resources/webhooks.js';
import { backgroundJobResources } from './resources/background-jobs.js';
import { mailboxResources } from './resources/mailbox.js';
import { discountResources } from './resources/discounts.js';
import { mediaResources } from './resources/media.js';
import type { MediaStorage } from '../src/media/storage.js';
import { loadDashboard } from './dashboard.js';
import { staffRouter } from './staff-access.js';

export type { RefundOrder } from '../src/orders/staff-actions.js';

export type AdminDeps = {
  config: Config;
  db: Db;
  logger: Logger;
  clerk: ClerkOptions;
  /** the app's payment providers (built once, where the app is composed) */
  providers: Providers;
  /** where product images are stored (built once, where the app is composed) */
  media: MediaStorage;
  /** The refund the order actions use; by default the payments module's, over `providers`. */
  refundOrder?: RefundOrder;
  /** the job engine's pg-boss (src/jobs/job-engine.ts), to retry failed jobs */
  boss: PgBoss;
};

let adapterRegistered = false;

/** The browser bundles `npm run build` makes (admin/build-assets.mjs): present beside the compiled panel only. */
const PREBUILT_ASSETS = fileURLToPath(new URL('./assets/', import.meta.url));
const prebuilt = existsSync(path.join(PREBUILT_ASSETS, 'components.bundle.js'));

/**
 * Builds the panel and its router (async: the full Prisma model description is read first).
 * The compiled build serves the components bundled at build time; from the sources they are
 * bundled before the first request in production, on it elsewhere. Never watches files:
 * AdminJS's watcher would keep a test process alive.
 */
export async function buildAdminRouter(deps: AdminDeps): Promise<Router> {
  if (!adapterRegistered) {
    AdminJS.registerAdapter({ Database, Resource: ShopPrismaResource });
    adapterRegistered = true;
  }
  const { loader, names } = panelComponents();
  const kit = { dmmf: await loadFullDmmf(), prisma: deps.db.prisma, components: names };
  const admin = new AdminJS({
    rootPath: '/admin',
    componentLoader: loader,
    resources: withAuditTrail({ pool: deps.db.pool, loader, components: names }, [
      ...catalogResources(kit, deps.db.pool, deps.config.STORE_CURRENCY),
      ...productImportResources(kit, deps.db.pool),
      ...mediaResources(kit, deps.db.pool, deps.media, loader, deps.config.MEDIA_MAX_UPLOAD_BYTES),
      ...orderResources(kit, deps.db.pool, deps.refundOrder ?? staffRefunder({ pool: deps.db.pool, providers: deps.providers, logger: deps.logger })),
      ...paymentResources(kit),
      ...customerResources(kit, deps.db.pool),
      ...deliveryResources(kit, deps.config.STORE_CURRENCY),
      ...discountResources(kit, deps.config.STORE_CURRENCY),
      ...webhookResources(kit, deps.db.pool, deps.config),
      ...backgroundJobResources(deps.db.pool, deps.boss, names),
      ...mailboxResources(kit),
      ...auditLogResources(deps.db.pool, names),
    ]),
    dashboard: { component: names.Dashboard, handler: () => loadDashboard(deps.db.pool) },
    branding: { companyName: 'Shop staff', withMadeWithLove: false, logo: false },
    locale: {
      language: 'en',
      translations: {
        en: {
          labels: {
            ShippingZone: 'Shipping zones',
            ShippingMethod: 'Shipping methods',
            Carrier: 'Carriers',
            TaxRate: 'Tax rates',
            StoreSettings: 'Store settings',
            WebhookEndpoint: 'Webhook endpoints',
            WebhookDelivery: 'Webhook deliveries',
            WebhookDeliveryAttempt: 'Webhook attempts',
            BackgroundJob: 'Background jobs',
            Mail: 'Mailbox',
            DiscountCode: 'Discount codes',
            User: 'Customers and staff',
            AuditLog: 'Audit trail',
            StockMovement: 'Stock movements',
            ProductImport: 'Product imports',
            ProductImage: 'Product images',
          },
          messages: {
            tooManyRequests: 'Too many failed sign-ins from here. Wait a minute, then try again.',
            invalidCredentials: 'Wrong email or password',
          },
          components: {
            Login: {
              welcomeHeader: 'Shop staff',
              welcomeMessage: 'Catalog, orders and payments. Sign in with your staff account (or arrive signed in to Clerk as an admin).',
              loginButton: 'Sign in',
            },
          },
          resources: {
            Product: {
              actions: { activate: 'Activate', deactivate: 'Deactivate', setCategory: 'Set category', adjustPrices: 'Adjust prices', exportCsv: 'Export CSV' },
              properties: {
                priceMinMinor: 'Price',
                imageUrl: 'Image URL',
                sku: 'SKU',
                priceMinor: 'Price',
                variantSkus: 'Variant SKU',
                catalog: 'Options and variants',
              },
            },
            ProductOption: { properties: { values: 'Values' } },
            ProductImport: {
              actions: { upload: 'Import CSV' },
              properties: { fileName: 'File', dryRun: 'Dry run', totalRows: 'Rows', errorCount: 'Errors', run: 'Progress and report' },
            },
            ProductVariant: {
              actions: { adjustStock: 'Adjust stock', adjustPrices: 'Adjust prices' },
              properties: {
                lowStockThreshold: 'Low-stock threshold',
                stockHistory: 'Stock history',
                sku: 'SKU',
                title: 'Options',
                optionValues: 'Option values',
                priceMinor: 'Price',
                compareAtPriceMinor: 'Compare-at price',
                imageUrl: 'Image URL',
              },
            },
            Order: {
              properties: {
                user: 'Customer',
                subtotalMinor: 'Subtotal',
                shippingMinor: 'Shipping',
                codFeeMinor: 'Cash-on-delivery fee',
                taxMinor: 'Tax',
                shippingTaxMinor: 'Tax on shipping',
                totalMinor: 'Total',
                shippingMethod: 'Shipping method',
                zone: 'Shipping zone',
                details: 'Delivery, items, payments and history',
              },
            },
            StockMovement: { properties: { stockAfter: 'Stock after', variant: 'Variant', order: 'Order' } },
            OrderItem: { properties: { sku: 'SKU', variantTitle: 'Options', unitPriceMinor: 'Unit price', lineTotalMinor: 'Line total', taxMinor: 'Tax' } },
            ShippingZone: { properties: { countries: 'Countries' } },
            ShippingMethod: {
              properties: {
                priceMinor: 'Price',
                freeOverMinor: 'Free over',
                minSubtotalMinor: 'Minimum subtotal',
                maxSubtotalMinor: 'Maximum subtotal',
                minDeliveryDays: 'Fewest delivery days',
                maxDeliveryDays: 'Most delivery days',
                codEnabled: 'Cash on delivery',
                codFeeMinor: 'Cash-on-delivery fee',
              },
            },
            Carrier: { properties: { trackingUrlTemplate: 'Tracking link template' } },
            TaxRate: { properties: { ratePercent: 'Rate (%)' } },
            StoreSettings: {
              properties: {
                pricesIncludeTax: 'Prices include tax',
                taxShipping: 'Tax shipping',
                storeName: 'Store name',
                staffEmail: 'Staff email',
                lowStockThreshold: 'Low-stock threshold',
              },
            },
            Mail: { properties: { textBody: 'Text', htmlBody: 'HTML source', dedupeKey: 'Dedupe key', messageId: 'Message-ID' } },
            Payment: { properties: { amountMinor: 'Amount', providerRef: 'Gateway reference' } },
            User: {
              actions: { block: 'Block from checkout', unblock: 'Unblock', addNote: 'Add note' },
              properties: { blockedAt: 'Blocked from checkout', clerkUserId: 'Clerk user id', details: 'Customer', search: 'Search' },
            },
            AuditLog: { properties: { userId: 'Staff', recordTitle: 'Record', recordId: 'Record id', difference: 'Changes' } },
            BackgroundJob: {
              actions: { retry: 'Retry' },
              properties: {
                summary: 'Data',
                createdOn: 'Created',
                startedOn: 'Last started',
                completedOn: 'Finished',
                startAfter: 'Next attempt',
              },
            },
          },
        },
      },
    },
  });
  if (prebuilt) {
    // AdminJS reads this when initialize() runs: without it, it would bundle again at start.
    process.env.ADMIN_JS_SKIP_BUNDLE = 'true';
    const router = Router();
    router.use('/frontend/assets', express.static(PREBUILT_ASSETS, { index: false }));
    return router.use(staffRouter(admin, deps));
  }
  if (deps.config.NODE_ENV === 'production') {
    await admin.initialize();
    // @adminjs/express calls initialize() again without waiting for it: the bundle is already built.
    admin.initialize = async () => undefined;
  } else {
    // Elsewhere AdminJS bundles on the first request for it, but serves any bundle it finds on
    // disk: remove the last run's, so edited components show up.
    rmSync(path.join(process.env.ADMIN_JS_TMP_DIR ?? '.adminjs', 'bundle.js'), { force: true });
  }
  return staffRouter(admin, deps);
}
