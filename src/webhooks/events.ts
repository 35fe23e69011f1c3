import { OUTBOUND_ORDER_EVENTS } from '../orders/statuses.js';
import { PRODUCT_STOCK_LOW } from '../catalog/stock.js';

/** Every event an endpoint can subscribe to: the orders' outbound events and low stock. */
export const WEBHOOK_EVENTS = [...OUTBOUND_ORDER_EVENTS, PRODUCT_STOCK_LOW] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const isWebhookEvent = (type: string): type is WebhookEventType => (WEBHOOK_EVENTS as readonly string[]).includes(type);

/** The version of the payloads' shape (`version` in every body); a breaking change to `data` raises it. */
export const PAYLOAD_VERSION = 1;

/**
 * The outbox topic (src/jobs/outbox.ts) of an endpoint the shop disabled after it kept failing:
 * `{ endpointId, url, reason }`, written in the transaction that disables it (staff are mailed).
 */
export const WEBHOOK_ENDPOINT_DISABLED = 'webhook_endpoint.disabled';
export type WebhookEndpointDisabled = { endpointId: string; url: string; reason: string };

/** What an endpoint receives, signed (Standard Webhooks). `id` is also the `webhook-id` header, the same on every retry. */
export type WebhookPayload = { id: string; type: WebhookEventType; version: number; createdAt: string; data: object };

/** One id per outbox event, shared by every endpoint's delivery of it. */
export const eventIdOf = (outboxEventId: number) => `evt_${outboxEventId}`;
