import type { Config } from '../../config.js';
import { ProviderNotEnabled } from '../errors.js';
import { MockProvider } from './mock.js';
import type { PaymentProvider, ProviderId } from './provider.js';
import { SslcommerzProvider } from './sslcommerz.js';
import { StripeProvider } from './stripe.js';

export type StorefrontOutcome = 'success' | 'fail' | 'cancel';

/** Where the buyer lands after the gateway: the storefront's page, told which payment to poll. */
export function storefrontUrl(config: Config, outcome: StorefrontOutcome, paymentId?: string): string {
  const url = new URL({ success: config.STOREFRONT_SUCCESS_URL, fail: config.STOREFRONT_FAIL_URL, cancel: config.STOREFRONT_CANCEL_URL }[outcome]);
  if (paymentId) url.searchParams.set('paymentId', paymentId);
  return url.toString();
}

const DEV_MOCK_SECRET = 'mock-payments-development-secret';

export function mockPaymentsEnabled(config: Config): boolean {
  return config.MOCK_PAYMENTS ?? config.NODE_ENV !== 'production';
}

export type Providers = {
  /** the enabled ones, in the order the storefront should offer them */
  enabled: PaymentProvider[];
  /** an enabled provider, or 422 PROVIDER_NOT_ENABLED */
  get(id: ProviderId): PaymentProvider;
  mock?: MockProvider;
  /** the longest one provider call can take, its own retries included */
  callTimeoutMs: number;
};

/** The providers this configuration enables: mock outside production, the others when their keys are set. */
export function configuredProviders(config: Config): Providers {
  const timeoutMs = config.PAYMENT_GATEWAY_TIMEOUT_MS;
  // creating calls carry idempotency keys, so retries are safe; tests want one try
  const maxNetworkRetries = config.NODE_ENV === 'test' ? 0 : 2;
  let mock: MockProvider | undefined;
  if (mockPaymentsEnabled(config)) {
    if (!config.MOCK_PAYMENTS_SECRET && config.NODE_ENV === 'production') throw new Error('MOCK_PAYMENTS=on in production needs MOCK_PAYMENTS_SECRET');
    mock = new MockProvider(config.MOCK_PAYMENTS_SECRET ?? DEV_MOCK_SECRET, config.PUBLIC_BASE_URL);
  }
  const stripe =
    config.STRIPE_SECRET_KEY && config.STRIPE_WEBHOOK_SECRET
      ? new StripeProvider({
          secretKey: config.STRIPE_SECRET_KEY,
          webhookSecret: config.STRIPE_WEBHOOK_SECRET,
          apiBaseUrl: config.STRIPE_API_BASE_URL,
          timeoutMs,
          maxNetworkRetries,
          successUrl: (paymentId) => storefrontUrl(config, 'success', paymentId),
          cancelUrl: (paymentId) => storefrontUrl(config, 'cancel', paymentId),
        })
      : undefined;
  const sslcommerz =
    config.SSLCOMMERZ_STORE_ID && config.SSLCOMMERZ_STORE_PASSWORD
      ? new SslcommerzProvider({
          storeId: config.SSLCOMMERZ_STORE_ID,
          storePassword: config.SSLCOMMERZ_STORE_PASSWORD,
          isLive: config.SSLCOMMERZ_IS_LIVE,
          apiBaseUrl: config.SSLCOMMERZ_API_BASE_URL,
          timeoutMs,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        })
      : undefined;
  const enabled = [stripe, sslcommerz, mock].filter((p): p is NonNullable<typeof p> => p !== undefined);
  return {
    enabled,
    mock,
    callTimeoutMs: timeoutMs * (1 + maxNetworkRetries),
    get(id) {
      const provider = enabled.find((p) => p.id === id);
      if (!provider) throw new ProviderNotEnabled(id);
      return provider;
    },
  };
}
