/** Unit tests of the list-filter compiler: which records match, in which order, and how bad queries fail. */
import { compileVisibilityQuery, VisibilityQueryError } from '../src/visibility/query';
import { VisibilityRecord } from '../src/visibility/record';

const T = (iso: string) => Date.parse(iso);

function record(partial: Partial<VisibilityRecord> & Pick<VisibilityRecord, 'workflowId' | 'runId'>): VisibilityRecord {
  const startTime = partial.startTime ?? T('2024-05-01T10:00:00Z');
  return {
    namespace: 'default',
    workflowType: 'orderWorkflow',
    taskQueue: 'q1',
    status: 1,
    historyLength: 3,
    searchAttributes: {},
    ...partial,
    startTime,
    executionTime: partial.executionTime ?? startTime,
  };
}

// Five runs with hand-chosen values; every expectation below is worked out from this table.
const records: VisibilityRecord[] = [
  record({ workflowId: 'order-1', runId: 'r1', status: 1, startTime: T('2024-05-01T10:00:00Z'), historyLength: 5,
    searchAttributes: { CustomerId: 'alice', Amount: 120, Priority: true, Tags: ['red', 'blue'], DueAt: '2024-06-01T00:00:00Z' } }),
  record({ workflowId: 'order-2', runId: 'r2', status: 2, startTime: T('2024-05-01T09:00:00Z'), closeTime: T('2024-05-01T09:30:00Z'), historyLength: 11,
    searchAttributes: { CustomerId: 'bob', Amount: 80, Priority: false, Tags: ['green'] } }),
  record({ workflowId: 'invoice-1', runId: 'r3', workflowType: 'invoiceWorkflow', taskQueue: 'q2', status: 3,
    startTime: T('2024-05-02T08:00:00Z'), executionTime: T('2024-05-02T08:00:05Z'), closeTime: T('2024-05-02T08:01:05Z'), historyLength: 7,
    searchAttributes: { CustomerId: 'alice', Amount: 40.5, DueAt: '2024-05-15T12:00:00.000Z' } }),
  record({ workflowId: 'invoice-2', runId: 'r4', workflowType: 'invoiceWorkflow', taskQueue: 'q2', status: 6,
    startTime: T('2024-04-30T23:59:59Z'), closeTime: T('2024-05-02T08:01:05Z'), historyLength: 9 }),
  record({ workflowId: "it's", runId: 'r5', status: 1, startTime: T('2024-05-03T00:00:00Z'), historyLength: 2,
    searchAttributes: { CustomerId: 'carol' } }),
];

/** Ids of the records the query matches, in the compiled order. */
function run(query: string): string[] {
  const compiled = compileVisibilityQuery(query);
  return records.filter((r) => compiled.matches(r)).sort(compiled.compare).map((r) => r.workflowId);
}

function errorOf(query: string): string {
  try {
    compileVisibilityQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(VisibilityQueryError);
    return (error as Error).message;
  }
  throw new Error(`query ${JSON.stringify(query)} compiled but was expected to fail`);
}

describe('default order (SQL visibility: running first, close time desc, start time desc, run id)', () => {
  test('empty query matches everything in default order', () => {
    // Running: it's (start 05-03), order-1 (start 05-01). Closed: invoice-1 & invoice-2 close 05-02 08:01:05,
    // tie broken by start time desc (invoice-1 05-02 before invoice-2 04-30); then order-2 (closed 05-01).
    expect(run('')).toEqual(["it's", 'order-1', 'invoice-1', 'invoice-2', 'order-2']);
    expect(run('   ')).toEqual(["it's", 'order-1', 'invoice-1', 'invoice-2', 'order-2']);
  });

  test('run id breaks full ties ascending', () => {
    const a = record({ workflowId: 'a', runId: 'b-run' });
    const b = record({ workflowId: 'b', runId: 'a-run' });
    const { compare } = compileVisibilityQuery('');
    expect([a, b].sort(compare).map((r) => r.runId)).toEqual(['a-run', 'b-run']);
    expect(compare(a, a)).toBe(0);
  });
});

describe('system attributes', () => {
  test.each([
    ["WorkflowId = 'order-1'", ['order-1']],
    ["WorkflowId != 'order-1'", ["it's", 'invoice-1', 'invoice-2', 'order-2']],
    ["WorkflowId = 'it''s'", ["it's"]],
    ["WorkflowId = \"it's\"", ["it's"]],
    ["`WorkflowId` = 'order-2'", ['order-2']],
    ["WorkflowType = 'invoiceWorkflow'", ['invoice-1', 'invoice-2']],
    ["RunId = 'r4'", ['invoice-2']],
    ["TaskQueue = 'q1'", ["it's", 'order-1', 'order-2']],
    ["WorkflowId STARTS_WITH 'order-'", ['order-1', 'order-2']],
    ["WorkflowId NOT STARTS_WITH 'order-'", ["it's", 'invoice-1', 'invoice-2']],
    ["WorkflowId IN ('order-2', 'invoice-1', 'nope')", ['invoice-1', 'order-2']],
    ["WorkflowId NOT IN ('order-2', 'invoice-1')", ["it's", 'order-1', 'invoice-2']],
    ['HistoryLength > 7', ['invoice-2', 'order-2']],
    ['HistoryLength >= 7', ['invoice-1', 'invoice-2', 'order-2']],
    ['HistoryLength BETWEEN 3 AND 9', ['order-1', 'invoice-1', 'invoice-2']],
    ['HistoryLength NOT BETWEEN 3 AND 9', ["it's", 'order-2']],
  ])('%s', (query, expected) => {
    expect(run(query)).toEqual(expected);
  });

  test.each([
    ["ExecutionStatus = 'Running'", ["it's", 'order-1']],
    ["ExecutionStatus = 'Completed'", ['order-2']],
    ["ExecutionStatus = 'Failed'", ['invoice-1']],
    ["ExecutionStatus = 'ContinuedAsNew'", ['invoice-2']],
    ["ExecutionStatus = 'Canceled' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut'", []],
    ["ExecutionStatus != 'Running'", ['invoice-1', 'invoice-2', 'order-2']],
    ["ExecutionStatus IN ('Completed', 'Failed')", ['invoice-1', 'order-2']],
    ["ExecutionStatus NOT IN ('Running', 'Failed')", ['invoice-2', 'order-2']],
    ["ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_COMPLETED'", ['order-2']],
    ['ExecutionStatus = 3', ['invoice-1']],
  ])('%s', (query, expected) => {
    expect(run(query)).toEqual(expected);
  });

  test.each([
    ["StartTime > '2024-05-01T09:00:00Z'", ["it's", 'order-1', 'invoice-1']],
    ["StartTime >= '2024-05-01T09:00:00Z'", ["it's", 'order-1', 'invoice-1', 'order-2']],
    ["StartTime < '2024-05-01T09:00:00Z'", ['invoice-2']],
    ["StartTime <= '2024-05-01T09:00:00Z'", ['invoice-2', 'order-2']],
    ["StartTime = '2024-05-01T12:00:00+02:00'", ['order-1']],
    ["StartTime BETWEEN '2024-05-01T00:00:00Z' AND '2024-05-01T23:59:59.999999999Z'", ['order-1', 'order-2']],
    ["StartTime > '2024-05-01T09:59:59.9995Z'", ["it's", 'order-1', 'invoice-1']],
    ["ExecutionTime = '2024-05-02T08:00:05Z'", ['invoice-1']],
    ["CloseTime > '2024-05-01T12:00:00Z'", ['invoice-1', 'invoice-2']],
    ["CloseTime != '2024-05-01T09:30:00Z'", ['invoice-1', 'invoice-2']],
    ['CloseTime IS NULL', ["it's", 'order-1']],
    ['CloseTime IS NOT NULL', ['invoice-1', 'invoice-2', 'order-2']],
    ["ExecutionDuration = '60s'", ['invoice-1']],
    ["ExecutionDuration > '10m'", ['invoice-2', 'order-2']],
    // Integer datetimes are epoch nanoseconds: 1714600000000000000 ns = 2024-05-01T21:46:40Z.
    ['StartTime > 1714600000000000000', ["it's", 'invoice-1']],
  ])('%s', (query, expected) => {
    expect(run(query)).toEqual(expected);
  });
});

describe('custom search attributes', () => {
  test.each([
    ["CustomerId = 'alice'", ['order-1', 'invoice-1']],
    ["CustomerId != 'alice'", ["it's", 'order-2']],
    ["CustomerId IN ('bob', 'carol')", ["it's", 'order-2']],
    ['CustomerId IS NULL', ['invoice-2']],
    ["CustomerId STARTS_WITH 'al'", ['order-1', 'invoice-1']],
    ['Amount > 80', ['order-1']],
    ['Amount >= 80', ['order-1', 'order-2']],
    ['Amount < 41', ['invoice-1']],
    ['Amount = 40.5', ['invoice-1']],
    ['Amount > -1', ['order-1', 'invoice-1', 'order-2']],
    ['Amount<-1', []],
    ['Amount BETWEEN 40 AND 100', ['invoice-1', 'order-2']],
    ['Priority = true', ['order-1']],
    ['Priority = false', ['order-2']],
    ['Priority != true', ['order-2']],
    ["Tags = 'blue'", ['order-1']],
    ["Tags != 'blue'", ['order-2']],
    ["Tags IN ('green', 'yellow')", ['order-2']],
    ["Tags NOT IN ('green')", ['order-1']],
    ["DueAt < '2024-05-20T00:00:00Z'", ['invoice-1']],
    ["DueAt > '2024-05-20T00:00:00+00:00'", ['order-1']],
    ['NeverSet IS NOT NULL', []],
    ["NeverSet != 'x'", []],
  ])('%s', (query, expected) => {
    expect(run(query)).toEqual(expected);
  });
});

describe('boolean structure', () => {
  test.each([
    // AND binds tighter than OR: Completed OR (alice AND Running).
    ["ExecutionStatus = 'Completed' OR CustomerId = 'alice' AND ExecutionStatus = 'Running'", ['order-1', 'order-2']],
    ["(ExecutionStatus = 'Completed' OR CustomerId = 'alice') AND ExecutionStatus = 'Running'", ['order-1']],
    ["WorkflowType = 'orderWorkflow' and (HistoryLength < 3 or HistoryLength > 10)", ["it's", 'order-2']],
    ["((WorkflowId = 'order-1'))", ['order-1']],
  ])('%s', (query, expected) => {
    expect(run(query)).toEqual(expected);
  });
});

describe('ORDER BY', () => {
  test.each([
    ['ORDER BY StartTime', ['invoice-2', 'order-2', 'order-1', 'invoice-1', "it's"]],
    ['ORDER BY StartTime ASC', ['invoice-2', 'order-2', 'order-1', 'invoice-1', "it's"]],
    ['ORDER BY StartTime DESC', ["it's", 'invoice-1', 'order-1', 'order-2', 'invoice-2']],
    // Equal close times fall back to the default order (start time desc); missing close times go last.
    ['ORDER BY CloseTime DESC', ['invoice-1', 'invoice-2', 'order-2', "it's", 'order-1']],
    ['ORDER BY CloseTime ASC', ['order-2', 'invoice-1', 'invoice-2', "it's", 'order-1']],
    ['ORDER BY ExecutionTime DESC', ["it's", 'invoice-1', 'order-1', 'order-2', 'invoice-2']],
    ["WorkflowType = 'invoiceWorkflow' ORDER BY StartTime asc", ['invoice-2', 'invoice-1']],
    ['ORDER BY Amount DESC', ['order-1', 'order-2', 'invoice-1', "it's", 'invoice-2']],
  ])('%s', (query, expected) => {
    expect(run(query)).toEqual(expected);
  });
});

describe('errors name the bad token and its position', () => {
  test.each([
    ["WorkflowId = 'a' AND", "expected a search attribute name but found end of query at position 20"],
    ["WorkflowId 'a'", "expected an operator (= != > >= < <= IN BETWEEN STARTS_WITH IS) after 'WorkflowId' but found ''a'' at position 11"],
    ["WorkflowId = 'a' ORDER StartTime", "expected BY but found 'StartTime' at position 23"],
    ["WorkflowId = 'a' WorkflowType = 'b'", "expected AND, OR, ORDER BY or the end of the query but found 'WorkflowType' at position 17"],
    ["(WorkflowId = 'a'", "expected ')' but found end of query at position 17"],
    ["WorkflowId = 'abc", 'unterminated string starting at position 13'],
    ['WorkflowId = a', "expected a value (quoted string, number, true or false) but found 'a' at position 13"],
    ["WorkflowId = 'a' ; DROP", "unexpected character ';' at position 17"],
    ['WorkflowId IN ()', "expected a value (quoted string, number, true or false) but found ')' at position 15"],
    ['WorkflowId NOT = 1', "expected IN, BETWEEN or STARTS_WITH after 'WorkflowId NOT' but found '=' at position 15"],
    ['WorkflowId = 5', 'invalid value 5 for WorkflowId at position 13: expected a quoted string'],
    ["ExecutionStatus = 'Sleeping'", "invalid value 'Sleeping' for ExecutionStatus at position 18: expected one of 'Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'"],
    ["ExecutionStatus > 'Running'", 'operator > is not supported for ExecutionStatus (at position 0); use =, !=, IN or NOT IN'],
    ["StartTime > '2024-05-01'", "invalid value '2024-05-01' for StartTime at position 12: expected an RFC3339 time such as '2024-01-31T12:00:00Z'"],
    ["StartTime > '2024-02-30T00:00:00Z'", "invalid value '2024-02-30T00:00:00Z' for StartTime at position 12: expected an RFC3339 time such as '2024-01-31T12:00:00Z'"],
    ["StartTime STARTS_WITH '2024'", 'STARTS_WITH is not supported for StartTime (at position 0); it applies to keyword attributes'],
    ['HistoryLength = 1.5', 'invalid value 1.5 for HistoryLength at position 16: expected an integer'],
    ["ExecutionDuration > 'soon'", "invalid value 'soon' for ExecutionDuration at position 20: expected a duration such as '90s' or '1h30m', or integer nanoseconds"],
    ["workflowid = 'a'", "unknown search attribute 'workflowid' at position 0; did you mean WorkflowId?"],
    ['CustomerId STARTS_WITH 5', 'STARTS_WITH needs a quoted string at position 23'],
    ['ORDER BY', 'expected a search attribute name but found end of query at position 8'],
    ['ORDER BY StartTime DESC, ', 'expected a search attribute name but found end of query at position 25'],
  ])('%s', (query, message) => {
    expect(errorOf(query)).toBe(message);
  });
});

describe('compare is a consistent total order', () => {
  /** Deterministic pseudo-random numbers (mulberry32) so failures reproduce. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  test.each(['', 'ORDER BY StartTime', 'ORDER BY CloseTime DESC', 'ORDER BY Amount DESC, StartTime ASC'])('%s', (query) => {
    const next = random(42);
    // Few distinct values so ties (and the tie-breakers) are exercised.
    const sample = Array.from({ length: 60 }, (_, i) =>
      record({
        workflowId: `w${i}`,
        runId: `r${Math.floor(next() * 20)}`,
        startTime: T('2024-05-01T00:00:00Z') + Math.floor(next() * 4) * 1000,
        closeTime: next() < 0.3 ? undefined : T('2024-05-02T00:00:00Z') + Math.floor(next() * 4) * 1000,
        searchAttributes: next() < 0.3 ? {} : { Amount: Math.floor(next() * 3) },
      }),
    );
    const { compare } = compileVisibilityQuery(query);
    for (const a of sample) {
      expect(compare(a, a)).toBe(0);
      for (const b of sample) expect(Math.sign(compare(a, b)) + Math.sign(compare(b, a))).toBe(0);
    }
    const sorted = [...sample].sort(compare);
    for (let i = 0; i + 1 < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) expect(compare(sorted[i], sorted[j])).toBeLessThanOrEqual(0);
    }
  });
});
