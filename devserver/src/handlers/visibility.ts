/** ListWorkflowExecutions / CountWorkflowExecutions over one visibility record per run. */
import { Msg } from '../proto';
import { invalidArgument } from '../grpc/errors';
import type { Engine } from '../engine/engine';
import type { UnaryHandler } from '../grpc/service';
import { visibilityRecordOf } from '../engine/visibility-record';
import { VisibilityRecord } from '../visibility/record';
import { CompiledVisibilityQuery, VisibilityQueryError, compileVisibilityQuery } from '../visibility/query';
import { executionStatusName } from '../visibility/query-values';
import type { Schedule } from '../schedules/schedule';
import type { ScheduleRegistry } from '../schedules/scheduler';
import { executionInfo } from './workflows';
import { requireField } from './validate';

function compile(query: string): CompiledVisibilityQuery {
  try {
    return compileVisibilityQuery(query);
  } catch (error) {
    if (error instanceof VisibilityQueryError) throw invalidArgument(`invalid visibility query: ${error.message}`);
    throw error;
  }
}

const GROUP_BY_STATUS = /^(.*?)\s*\bGROUP\s+BY\s+ExecutionStatus\s*$/is;

/** A group's value as the server writes it: the status's name as a Keyword search attribute payload. */
function statusPayload(status: number): Msg {
  const name = executionStatusName(status);
  return { metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from('Keyword') }, data: Buffer.from(JSON.stringify(name)) };
}

/**
 * On the server each schedule is a workflow in the namespace division "TemporalScheduler", listed
 * only by queries that name that division (the Web UI counts schedules that way). The devserver's
 * schedules are no workflows, so counts that name the division count one running record per
 * schedule instead; every other query never sees them, as on the server.
 */
const SCHEDULER_DIVISION = /\bTemporalNamespaceDivision\b/;

function schedulerRecord(schedule: Schedule): VisibilityRecord {
  return {
    namespace: schedule.namespace,
    workflowId: `temporal-sys-scheduler:${schedule.scheduleId}`,
    runId: '',
    workflowType: 'temporal-sys-scheduler-workflow',
    taskQueue: 'temporal-sys-per-ns-tq',
    status: 1, // RUNNING
    startTime: schedule.info.createTimeMs,
    executionTime: schedule.info.createTimeMs,
    historyLength: 0,
    searchAttributes: { TemporalNamespaceDivision: 'TemporalScheduler' },
  };
}

export function visibilityHandlers(engine: Engine, schedules: ScheduleRegistry): Record<string, UnaryHandler> {
  const recordsOf = (namespace: string) => {
    const records: { record: VisibilityRecord; info: () => Msg }[] = [];
    for (const run of engine.runs.values()) {
      if (run.namespace !== namespace) continue;
      records.push({ record: visibilityRecordOf(run), info: () => executionInfo(engine, run) });
    }
    return records;
  };
  return {
    ListWorkflowExecutions(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const query = compile(request.query ?? '');
      const matching = recordsOf(namespace).filter((entry) => query.matches(entry.record));
      matching.sort((a, b) => query.compare(a.record, b.record));
      const pageSize = request.pageSize > 0 ? request.pageSize : 1000;
      const start = request.nextPageToken?.length ? Number(Buffer.from(request.nextPageToken).toString('utf8')) : 0;
      if (!Number.isInteger(start) || start < 0) throw invalidArgument('NextPageToken is malformed');
      const page = matching.slice(start, start + pageSize);
      return {
        executions: page.map((entry) => entry.info()),
        nextPageToken: start + pageSize < matching.length ? Buffer.from(String(start + pageSize)) : undefined,
      };
    },
    CountWorkflowExecutions(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      // The server groups counts by ExecutionStatus only (the Web UI's status counts ask for it).
      const grouped = GROUP_BY_STATUS.exec(request.query ?? '');
      const query = compile(grouped ? grouped[1] : request.query ?? '');
      const matching = recordsOf(namespace).filter((entry) => query.matches(entry.record));
      if (SCHEDULER_DIVISION.test(request.query ?? '')) {
        for (const schedule of schedules.schedules.values()) {
          const record = schedulerRecord(schedule);
          if (schedule.namespace === namespace && query.matches(record)) matching.push({ record, info: () => ({}) });
        }
      }
      if (!grouped) return { count: matching.length };
      const byStatus = new Map<number, number>();
      for (const { record } of matching) byStatus.set(record.status, (byStatus.get(record.status) ?? 0) + 1);
      const groups = [...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => ({ groupValues: [statusPayload(status)], count }));
      return { count: matching.length, groups };
    },
  };
}
