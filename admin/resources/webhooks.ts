// The Webhooks group: the endpoints of the shop's other systems (registered through the same use
// case as the REST route, so the same URL and event checks; the signing secret shown once, in
// the notice that confirms the registration), and every delivery and attempt, for looking up why
// a system did not hear of an event.
import { flat, type ActionRequest, type ActionResponse, type Before, type RecordActionResponse } from 'adminjs';
import type pg from 'pg';
import { AppError } from '../../src/shared/errors.js';
import type { Config } from '../../src/config.js';
import { registerEndpoint, secretOf, setEndpointEnabled } from '../../src/webhooks/endpoints.js';
import { WEBHOOK_EVENTS } from '../../src/webhooks/events.js';
import { newEndpointBody } from '../../src/webhooks/schemas.js';
import { urlPolicyOf } from '../../src/webhooks/url-policy.js';
import { fieldError } from '../catalog-writes.js';
import { asValidationError, onlyOnShow, prismaResource, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';

const NAVIGATION = { name: 'Webhooks', icon: 'Send' };
const refused = { isAccessible: false };

/** The form's events arrive as one comma-separated text (the list input) or as a list. */
const eventList = (value: unknown) => (Array.isArray(value) ? value : String(value ?? '').split(',')).map((e) => String(e).trim()).filter(Boolean);

const checkNewEndpoint: Before = async (request) => {
  if (request.method !== 'post') return request;
  const submitted = flat.unflatten<Record<string, unknown>, Record<string, unknown>>(request.payload ?? {});
  const result = newEndpointBody.safeParse({ url: submitted.url ?? '', events: eventList(submitted.events) });
  if (!result.success) throw asValidationError(result.error);
  return { ...request, payload: flat.flatten(result.data) };
};

function switchAction(pool: pg.Pool, enabled: boolean) {
  return {
    actionType: 'record' as const,
    icon: enabled ? 'Play' : 'Pause',
    component: false as const,
    guard: enabled ? 'Send this endpoint its events again?' : 'Stop sending this endpoint its events?',
    isVisible: ({ record }: { record?: { params: Record<string, unknown> } }) => !!record && record.params.enabled !== enabled,
    handler: async (_request: ActionRequest, _response: unknown, context: Parameters<Before>[1]): Promise<RecordActionResponse> => {
      const { record, currentAdmin, resource } = context;
      if (!record) throw new Error('switching an endpoint needs the endpoint');
      await setEndpointEnabled(pool, String(record.id()), enabled);
      const fresh = (await resource.findOne(String(record.id()))) ?? record;
      return { record: fresh.toJSON(currentAdmin), notice: { message: enabled ? 'Endpoint enabled' : 'Endpoint disabled', type: 'success' } };
    },
  };
}

export function webhookResources(kit: ResourceKit, pool: pg.Pool, config: Config) {
  const { components } = kit;
  const policy = urlPolicyOf(config);
  const list = { list: components.ListValue, show: components.ListValue };

  // The secret is no field of the panel's model: the one place it shows is this notice.
  const showSecretOnce = async (response: ActionResponse, request: ActionRequest) => {
    const id = response.record?.id;
    if (request.method !== 'post' || !id || Object.keys(response.record?.errors ?? {}).length) return response;
    const secret = await secretOf(pool, String(id));
    return {
      ...response,
      notice: { message: `Endpoint registered. Its signing secret, shown only now (copy it to the receiving system): ${secret}`, type: 'success' },
    };
  };

  return [
    prismaResource(
      kit,
      'WebhookEndpoint',
      {
        navigation: NAVIGATION,
        properties: {
          id: { isVisible: onlyOnShow },
          url: { isTitle: true, description: 'Where the shop POSTs the events: http(s), no user or password in it (in production, a public address)' },
          events: {
            description: `Comma-separated, any of: ${WEBHOOK_EVENTS.join(', ')}`,
            custom: { placeholder: 'order.paid, order.shipped' },
            components: { ...list, edit: components.OptionValuesListInput },
          },
          failingSince: { description: 'The first failed attempt since the last success' },
        },
        listProperties: ['url', 'events', 'enabled', 'failingSince', 'disabledAt', 'createdAt'],
        filterProperties: ['url', 'enabled', 'createdAt'],
        showProperties: ['url', 'events', 'enabled', 'failingSince', 'disabledAt', 'disabledReason', 'createdAt', 'updatedAt', 'id'],
        sort: { sortBy: 'createdAt', direction: 'desc' },
        actions: {
          new: { layout: ['url', 'events'], before: checkNewEndpoint, after: showSecretOnce },
          // a new URL needs the checks (and usually a new secret): register it anew instead
          edit: refused,
          bulkDelete: refused,
          enable: switchAction(pool, true),
          disable: switchAction(pool, false),
        },
      },
      {
        hide: ['secret'],
        writes: {
          create: async (_data, params) => {
            const input = flat.unflatten<Record<string, unknown>, { url: string; events: string[] }>(params);
            try {
              return await registerEndpoint(pool, policy, { url: input.url, events: eventList(input.events) });
            } catch (err) {
              if (!(err instanceof AppError)) throw err;
              throw fieldError(err.code === 'WEBHOOK_EVENT_UNKNOWN' ? 'events' : 'url', err.detail ?? err.title);
            }
          },
        },
      },
    ),
    prismaResource(kit, 'WebhookDelivery', {
      navigation: NAVIGATION,
      properties: { body: { isVisible: onlyOnShow, type: 'textarea' } },
      listProperties: ['endpoint', 'eventType', 'eventId', 'status', 'attempts', 'nextAttemptAt', 'deliveredAt', 'createdAt'],
      filterProperties: ['endpoint', 'eventType', 'eventId', 'status', 'createdAt'],
      showProperties: ['endpoint', 'eventType', 'eventId', 'status', 'attempts', 'nextAttemptAt', 'deliveredAt', 'createdAt', 'body', 'id'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      actions: READ_ONLY_ACTIONS,
    }),
    prismaResource(kit, 'WebhookDeliveryAttempt', {
      navigation: NAVIGATION,
      listProperties: ['delivery', 'attempt', 'statusCode', 'durationMs', 'error', 'attemptedAt'],
      filterProperties: ['delivery', 'statusCode', 'attemptedAt'],
      sort: { sortBy: 'attemptedAt', direction: 'desc' },
      actions: READ_ONLY_ACTIONS,
    }),
  ];
}
