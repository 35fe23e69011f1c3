import loggerFeature from '@adminjs/logger';
import { mergeResourceOptions, type ComponentLoader, type FeatureType, type RecordActionResponse, type ResourceWithOptions } from 'adminjs';
import type pg from 'pg';
import type { ComponentNames } from '../components.js';
import { AUDIT_LOG, AuditLogResource, recordHistory } from '../audit-log-resource.js';
import { NAVIGATION, onlyOnShow, READ_ONLY_ACTIONS } from './shared.js';

/** The pages that show their record's audit trail in a History section. */
const WITH_HISTORY = new Set(['Order', 'Product', 'User']);

/** The trail as a list: newest first, filtered by resource, record, staff user, action and time; nobody edits it. */
export function auditLogResources(pool: pg.Pool, components: ComponentNames): ResourceWithOptions[] {
  const difference = { components: { list: components.AuditDifference, show: components.AuditDifference } };
  return [
    {
      resource: new AuditLogResource(pool),
      options: {
        navigation: NAVIGATION.system,
        properties: {
          id: { isVisible: onlyOnShow },
          userId: { reference: 'User' },
          recordId: { description: 'The changed record (its page shows its History)' },
          recordTitle: { components: { list: components.AuditRecordLink, show: components.AuditRecordLink } },
          difference: { ...difference, isVisible: { list: true, filter: false, show: true, edit: false } },
        },
        listProperties: ['createdAt', 'userId', 'action', 'resource', 'recordTitle', 'difference'],
        filterProperties: ['resource', 'recordId', 'userId', 'action', 'createdAt'],
        showProperties: ['id', 'createdAt', 'userId', 'action', 'resource', 'recordId', 'recordTitle', 'difference'],
        sort: { sortBy: 'createdAt', direction: 'desc' },
        actions: READ_ONLY_ACTIONS,
      },
    },
  ];
}

/** A History section on the record's page: its audit entries, loaded by the show action. */
function historyFeature(pool: pg.Pool, resourceId: string, components: ComponentNames): FeatureType {
  return (_admin, previous = {}) =>
    mergeResourceOptions(previous, {
      properties: { history: { type: 'string', isVisible: onlyOnShow, position: 1000, components: { show: components.RecordHistory } } },
      actions: {
        show: {
          after: async (response: RecordActionResponse) => {
            const record = response.record as RecordActionResponse['record'] & { auditHistory?: unknown };
            if (record?.id) record.auditHistory = await recordHistory(pool, resourceId, String(record.id));
            return response;
          },
        },
      },
    });
}

/** A Prisma model's resource is named after its model; an own resource (BackgroundJob, AuditLog) names itself. */
const resourceIdOf = (entry: ResourceWithOptions) => {
  const resource = entry.resource as { model?: { name?: string }; id?: () => string };
  return entry.options?.id ?? resource.model?.name ?? resource.id?.();
};

/**
 * Every panel resource's new, edit, delete and bulk delete recorded in the audit trail by
 * @adminjs/logger (with the changed fields, and the signed-in staff member's id: currentAdmin.id,
 * admin/staff-access.ts), through the AuditLog resource into audit_log. The logger writes after
 * the change, not in its transaction: AdminJS's writes run in none. The shop's own actions
 * (ship, block...) record themselves in theirs (src/audit/audit-trail.ts).
 */
export function withAuditTrail(
  { pool, loader, components }: { pool: pg.Pool; loader: ComponentLoader; components: ComponentNames },
  resources: ResourceWithOptions[],
): ResourceWithOptions[] {
  const logged = loggerFeature({
    componentLoader: loader,
    propertiesMapping: { user: 'userId' },
    userIdAttribute: 'id',
    resourceOptions: { resourceId: AUDIT_LOG },
  });
  // the trail's resource filter offers the panel's resources (an exact match)
  const names = resources.map(resourceIdOf).filter((id): id is string => Boolean(id) && id !== AUDIT_LOG);
  return resources.map((entry) => {
    const id = resourceIdOf(entry);
    if (id === AUDIT_LOG) {
      const properties = { ...entry.options?.properties, resource: { availableValues: names.map((name) => ({ value: name, label: name })) } };
      return { ...entry, options: { ...entry.options, properties } };
    }
    if (!id || !WITH_HISTORY.has(id)) return { ...entry, features: [...(entry.features ?? []), logged] };
    // AdminJS merges a resource's own options over its features': a page that lists its fields
    // must list this one itself (last); one that lists none shows every field anyway
    const { showProperties } = entry.options ?? {};
    return {
      ...entry,
      options: { ...entry.options, ...(showProperties && { showProperties: [...showProperties, 'history'] }) },
      features: [...(entry.features ?? []), logged, historyFeature(pool, id, components)],
    };
  });
}
