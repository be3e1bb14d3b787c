/** ListWorkflowExecutions / CountWorkflowExecutions over one visibility record per run. */
import { Msg } from '../proto';
import { invalidArgument } from '../grpc/errors';
import type { Engine } from '../engine/engine';
import type { UnaryHandler } from '../grpc/service';
import { visibilityRecordOf } from '../engine/visibility-record';
import { VisibilityRecord } from '../visibility/record';
import { CompiledVisibilityQuery, VisibilityQueryError, compileVisibilityQuery } from '../visibility/query';
import { executionStatusName } from '../visibility/query-values';
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

export function visibilityHandlers(engine: Engine): Record<string, UnaryHandler> {
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
      if (!grouped) return { count: matching.length };
      const byStatus = new Map<number, number>();
      for (const { record } of matching) byStatus.set(record.status, (byStatus.get(record.status) ?? 0) + 1);
      const groups = [...byStatus].sort(([a], [b]) => a - b).map(([status, count]) => ({ groupValues: [statusPayload(status)], count }));
      return { count: matching.length, groups };
    },
  };
}
