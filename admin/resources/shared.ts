import { flat, ValidationError, type ActionContext, type ActionRequest, type ResourceOptions, type ResourceWithOptions } from 'adminjs';
import { z } from 'zod';
import type { PrismaClient } from '@prisma/client';
import type { FullDmmf } from '../dmmf.js';
import type { ComponentNames } from '../components.js';
import type { CustomFilters, ModelWrites, UniqueMessages } from '../prisma-resource.js';

/** What every resource definition needs: the full model description, the client, the components. */
export type ResourceKit = { dmmf: FullDmmf; prisma: PrismaClient; components: ComponentNames };

export type ModelExtras = {
  /** fields dropped from the model itself, so their values are never read into a record, not merely hidden in the UI */
  hide?: string[];
  /** the model's own writes (ShopPrismaResource) */
  writes?: ModelWrites;
  /** what a broken unique index means, by its fields ("productId,name") */
  uniqueMessages?: UniqueMessages;
  /** list filters on no column of the model */
  customFilters?: CustomFilters;
  /** why a row others still reference cannot be deleted */
  inUseMessage?: string;
};

/** One Prisma model as an AdminJS resource. */
export function prismaResource(kit: ResourceKit, modelName: string, options: ResourceOptions, extras: ModelExtras = {}): ResourceWithOptions {
  const model = kit.dmmf.datamodel.models.find((m) => m.name === modelName);
  if (!model) throw new Error(`No model ${modelName} in schema.prisma`);
  const hide = extras.hide ?? [];
  const visibleModel = { ...model, fields: model.fields.filter((f) => !hide.includes(f.name)) };
  return {
    resource: {
      model: visibleModel,
      client: kit.prisma,
      clientModule: { Prisma: { dmmf: kit.dmmf } },
      writes: extras.writes,
      uniqueMessages: extras.uniqueMessages,
      customFilters: extras.customFilters,
      inUseMessage: extras.inUseMessage,
    },
    options,
  };
}

const refused = { isAccessible: false };
/** Browse and filter only: the rows are written by the shop's own flows. */
export const READ_ONLY_ACTIONS = { new: refused, edit: refused, delete: refused, bulkDelete: refused };

export const NAVIGATION = {
  catalog: { name: 'Catalog', icon: 'ShoppingBag' },
  sales: { name: 'Sales', icon: 'DollarSign' },
  people: { name: 'People', icon: 'Users' },
  delivery: { name: 'Delivery', icon: 'Truck' },
  system: { name: 'System', icon: 'Settings' },
  mailbox: { name: 'Mailbox', icon: 'Mail' },
};

/** Money columns (integer minor units) shown as formatted amounts in the row's currency. */
export const moneyShown = (components: ComponentNames) => ({
  components: { list: components.MoneyValue, show: components.MoneyValue },
});

export const onlyOnShow = { list: false, filter: false, show: true, edit: false };

/** Zod's findings as AdminJS field errors: shown under each field, with one notice naming them. */
export function asValidationError(error: z.ZodError | z.core.$ZodIssue[]): ValidationError {
  const issues = Array.isArray(error) ? error : error.issues;
  const errors: Record<string, { message: string; type: string }> = {};
  for (const issue of issues) {
    const field = String(issue.path[0]);
    // several findings on one field (two options of a variant) read as one message
    errors[field] = { message: errors[field] ? `${errors[field].message}; ${issue.message}` : issue.message, type: 'invalid' };
  }
  return new ValidationError(errors, { message: `Please correct ${Object.keys(errors).join(', ')}`, type: 'invalid' });
}

/**
 * A product's part (variant, option, image) as its form's checks see it: the submitted fields
 * over the stored ones when editing, and its product, fixed once made (when editing, the stored
 * one whatever was sent). `keptOnEdit`: fields an edit leaves as stored even if sent.
 */
export function productPartForm(request: ActionRequest, context: ActionContext, keptOnEdit: string[] = []) {
  const creating = context.action.name === 'new';
  const stored: Record<string, unknown> = creating ? {} : flat.unflatten(context.record?.params ?? {});
  const submitted: Record<string, unknown> = flat.unflatten(request.payload ?? {});
  if (!creating) for (const field of keptOnEdit) delete submitted[field];
  const merged: Record<string, unknown> = { ...stored, ...submitted };
  return { creating, merged, productId: creating ? submitted.product : stored.product };
}

/** Whether a form's product is one that could exist (a uuid), before any query is sent with it. */
export const isProductId = (value: unknown): value is string => typeof value === 'string' && z.uuid().safeParse(value).success;
