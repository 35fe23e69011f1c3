import { NAVIGATION, onlyOnShow, prismaResource, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';

/**
 * Every mail the shop sent or tried to send, with its status (src/notifications/outgoing-mails.ts).
 * Without SMTP_URL it is the shop's mailbox: the mails are delivered here and read here. UNKNOWN
 * ones were claimed by a worker that stopped mid-send: check with the recipient before resending.
 */
export function mailboxResources(kit: ResourceKit) {
  return [
    prismaResource(kit, 'Mail', {
      navigation: NAVIGATION.mailbox,
      properties: {
        subject: { isTitle: true },
        textBody: { type: 'textarea', isVisible: onlyOnShow },
        // the HTML part is shown as its source: rendering it would run a mail's markup in the panel
        htmlBody: { type: 'textarea', isVisible: onlyOnShow },
      },
      listProperties: ['subject', 'recipients', 'kind', 'status', 'delivery', 'createdAt'],
      filterProperties: ['status', 'kind', 'delivery', 'recipients', 'dedupeKey', 'createdAt'],
      showProperties: [
        'subject',
        'recipients',
        'kind',
        'status',
        'delivery',
        'attempts',
        'error',
        'textBody',
        'htmlBody',
        'dedupeKey',
        'messageId',
        'sentAt',
        'createdAt',
        'updatedAt',
      ],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      actions: READ_ONLY_ACTIONS,
    }),
  ];
}
