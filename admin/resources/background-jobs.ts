import type { Action, ActionResponse, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import type PgBoss from 'pg-boss';
import type pg from 'pg';
import type { ComponentNames } from '../components.js';
import { JOB_STATES, JobResource } from '../job-resource.js';
import { NAVIGATION, onlyOnShow, READ_ONLY_ACTIONS } from './shared.js';

/** What pg-boss 10's retry answers (its types say void; src/manager.js returns this). */
type RetryResult = { jobs: string[]; requested: number; affected: number };

/**
 * Runs a failed job again (pg-boss's retry: the job goes back to 'retry' with one more try, and
 * the next free worker of its queue takes it). Shown on failed jobs only; GET shows the
 * confirmation, POST retries. A job that is no longer failed (a colleague retried it first) is
 * left alone, with a notice saying so.
 */
function retryAction(boss: PgBoss, components: ComponentNames): Action<ActionResponse> {
  return {
    name: 'retry',
    actionType: 'record',
    icon: 'RotateCw',
    component: components.JobRetry,
    isVisible: ({ record }) => record?.get('state') === 'failed',
    handler: async (request, _response, { record, currentAdmin, h, resource }): Promise<RecordActionResponse> => {
      if (!record) throw new Error('a retry needs a job');
      if (request.method !== 'post') return { record: record.toJSON(currentAdmin) };
      const id = String(record.id());
      const { affected } = (await boss.retry(String(record.get('queue')), id)) as unknown as RetryResult;
      const fresh = (await resource.findOne(id)) ?? record;
      if (!affected) {
        return {
          record: fresh.toJSON(currentAdmin),
          notice: { message: `This job is ${String(fresh.get('state'))}, not failed: nothing to retry`, type: 'error' },
        };
      }
      return {
        record: fresh.toJSON(currentAdmin),
        notice: { message: `Job queued again: a ${String(fresh.get('queue'))} worker runs it next`, type: 'success' },
        redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: id, actionName: 'show' }),
      };
    },
  };
}

/** Failed and retrying background jobs of every queue, newest first (others by the state filter); staff retry a failed one from its row or page. */
export function backgroundJobResources(pool: pg.Pool, boss: PgBoss, components: ComponentNames): ResourceWithOptions[] {
  return [
    {
      resource: new JobResource(pool),
      options: {
        navigation: NAVIGATION.system,
        properties: {
          id: { isVisible: onlyOnShow },
          state: { availableValues: JOB_STATES.map((state) => ({ value: state, label: state })) },
          summary: { isVisible: { list: true, filter: false, show: false, edit: false } },
          data: { isVisible: onlyOnShow, components: { show: components.JsonValue } },
          error: { isVisible: { list: true, filter: false, show: true, edit: false } },
        },
        listProperties: ['queue', 'state', 'summary', 'error', 'attempts', 'createdOn', 'completedOn', 'startAfter'],
        filterProperties: ['queue', 'state', 'createdOn'],
        showProperties: ['id', 'queue', 'state', 'data', 'error', 'attempts', 'createdOn', 'startedOn', 'completedOn', 'startAfter'],
        sort: { sortBy: 'createdOn', direction: 'desc' },
        actions: { ...READ_ONLY_ACTIONS, retry: retryAction(boss, components) },
      },
    },
  ];
}
