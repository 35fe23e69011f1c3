import type { Action, ActionResponse, RecordActionResponse, RecordJSON } from 'adminjs';
import type pg from 'pg';
import type { z } from 'zod';
import { AppError } from '../../src/shared/errors.js';
import { blockCustomer, unblockCustomer } from '../../src/customers/blocking.js';
import { escapeLike } from '../../src/shared/like-pattern.js';
import { PHONE_MIN_DIGITS, phoneDigits, readCustomer } from '../../src/customers/customer-view.js';
import { addNote } from '../../src/customers/notes.js';
import { blockBody, noteBody } from '../../src/customers/schemas.js';
import type { ComponentNames } from '../components.js';
import { asValidationError, NAVIGATION, onlyOnShow, prismaResource, READ_ONLY_ACTIONS, type ResourceKit } from './shared.js';

type Field = { name: string; label: string; required: boolean };
type CustomerStep<S extends z.ZodType> = {
  name: string;
  icon: string;
  question: string;
  fields: Field[];
  isVisible: (params: Record<string, unknown>) => boolean;
  input: S;
  run(customerId: string, staffId: string, input: z.infer<S>): Promise<unknown>;
  done: string;
};

const isCustomer = (params: Record<string, unknown>) => params.role === 'CUSTOMER';
const isBlocked = (params: Record<string, unknown>) => Boolean(params.blockedAt);

function steps(pool: pg.Pool) {
  const block: CustomerStep<typeof blockBody> = {
    name: 'block',
    icon: 'Slash',
    question: 'Block this customer from checkout? Their cart stays; they cannot place orders until unblocked.',
    fields: [{ name: 'reason', label: 'Reason (for staff; the customer is not told)', required: true }],
    isVisible: (params) => isCustomer(params) && !isBlocked(params),
    input: blockBody,
    run: (id, staffId, { reason }) => blockCustomer(pool, id, staffId, reason),
    done: 'Blocked from checkout',
  };
  const unblock: CustomerStep<z.ZodObject> = {
    name: 'unblock',
    icon: 'CheckCircle',
    question: 'Let this customer check out again?',
    fields: [],
    isVisible: (params) => isCustomer(params) && isBlocked(params),
    input: blockBody.pick({}),
    run: (id, staffId) => unblockCustomer(pool, id, staffId),
    done: 'May check out again',
  };
  const note: CustomerStep<typeof noteBody> = {
    name: 'addNote',
    icon: 'MessageSquare',
    question: 'Add a note for staff to this customer (notes are kept, with who wrote them and when).',
    fields: [{ name: 'body', label: 'Note', required: true }],
    isVisible: isCustomer,
    input: noteBody,
    run: (id, staffId, { body }) => addNote(pool, id, staffId, body),
    done: 'Note added',
  };
  return [block, unblock, note] as CustomerStep<z.ZodType>[];
}

/** A customer page action over the customers use cases; GET shows the form, POST performs it. */
function stepAction(step: CustomerStep<z.ZodType>, components: ComponentNames): Action<ActionResponse> {
  return {
    name: step.name,
    actionType: 'record',
    icon: step.icon,
    component: components.CustomerAction,
    custom: { question: step.question, fields: step.fields },
    isVisible: ({ record }) => !!record && step.isVisible(record.params),
    handler: async (request, _response, { record, currentAdmin, h, resource }): Promise<RecordActionResponse> => {
      if (!record || !currentAdmin?.id) throw new Error('a customer action needs a customer and a signed-in staff member');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const input = step.input.safeParse(request.payload ?? {});
      if (!input.success) throw asValidationError(input.error);
      const id = String(record.id());
      try {
        await step.run(id, String(currentAdmin.id), input.data);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { record: record.toJSON(currentAdmin), notice: { message: err.detail ?? err.title, type: 'error' } };
      }
      const fresh = (await resource.findOne(id)) ?? record;
      return {
        record: fresh.toJSON(currentAdmin),
        notice: { message: step.done, type: 'success' },
        redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: id, actionName: 'show' }),
      };
    },
  };
}

/** The list's one search box: part of an email or name (any case), or a phone number's digits in an address or an order. */
function searchWhere(value: unknown): Record<string, unknown> {
  const typed = String(value ?? '').trim();
  const text = escapeLike(typed);
  const digits = phoneDigits(typed);
  return {
    OR: [
      { email: { contains: text, mode: 'insensitive' } },
      { name: { contains: text, mode: 'insensitive' } },
      ...(digits.length >= PHONE_MIN_DIGITS
        ? [{ addresses: { some: { phone: { contains: digits } } } }, { orders: { some: { contactPhone: { contains: digits } } } }]
        : []),
    ],
  };
}

/**
 * People: every account (customers, and staff with the role ADMIN), and each customer's page.
 * Identity is Clerk's, mirrored at sign-in (src/auth/users.ts): nothing here is editable, staff
 * act through the page's actions (block, unblock, add a note), which are audited.
 */
export function customerResources(kit: ResourceKit, pool: pg.Pool) {
  const { components } = kit;
  const actions = Object.fromEntries(steps(pool).map((step) => [step.name, stepAction(step, components)]));
  return [
    prismaResource(
      kit,
      'User',
      {
        navigation: NAVIGATION.people,
        properties: {
          email: { isTitle: true },
          search: { type: 'string', description: 'Email, name or phone', isVisible: { list: false, filter: true, show: false, edit: false } },
          blockReason: { isVisible: false },
          blockedBy: { isVisible: false },
          details: { type: 'string', isVisible: onlyOnShow, components: { show: components.CustomerDetails } },
        },
        listProperties: ['email', 'name', 'role', 'blockedAt', 'createdAt'],
        filterProperties: ['search', 'role', 'blockedAt', 'clerkUserId', 'createdAt'],
        showProperties: ['email', 'name', 'role', 'clerkUserId', 'details', 'createdAt', 'updatedAt'],
        sort: { sortBy: 'createdAt', direction: 'desc' },
        actions: {
          ...READ_ONLY_ACTIONS,
          show: {
            after: async (response: RecordActionResponse) => {
              const user = response.record as RecordJSON & { customerDetails?: unknown };
              if (user?.id && user.params.role === 'CUSTOMER') user.customerDetails = await readCustomer(pool, String(user.id));
              return response;
            },
          },
          ...actions,
        },
      },
      { hide: ['passwordHash'], customFilters: { search: searchWhere } }, // the hash is never read into the panel
    ),
  ];
}
