import { moneyShown, NAVIGATION, onlyOnShow, prismaResource, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';

/** Payments and their gateway events: for looking things up, never for editing (people: customers.ts). */
export function paymentResources(kit: ResourceKit) {
  const { components } = kit;
  return [
    prismaResource(kit, 'Payment', {
      navigation: NAVIGATION.sales,
      properties: { amountMinor: moneyShown(components) },
      listProperties: ['order', 'provider', 'status', 'amountMinor', 'providerRef', 'createdAt'],
      filterProperties: ['order', 'provider', 'status', 'providerRef', 'createdAt'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      actions: READ_ONLY_ACTIONS,
    }),
    prismaResource(kit, 'PaymentEvent', {
      navigation: NAVIGATION.sales,
      properties: { payload: { isVisible: onlyOnShow, components: { show: components.JsonValue } } },
      listProperties: ['provider', 'type', 'payment', 'outcome', 'receivedAt', 'processedAt'],
      filterProperties: ['provider', 'type', 'payment', 'outcome', 'receivedAt'],
      sort: { sortBy: 'receivedAt', direction: 'desc' },
      actions: READ_ONLY_ACTIONS,
    }),
  ];
}
