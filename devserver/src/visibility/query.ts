/**
 * Compiles a Temporal list filter (the `query` of List/CountWorkflowExecutions) into a record predicate
 * and an ordering. Semantics follow the server's SQL visibility: a predicate on a missing value (a running
 * workflow's CloseTime, an unset custom attribute) is false, including `!=` and NOT forms; only IS NULL
 * matches it. Without ORDER BY, records come as SQL visibility returns them: running first, then by close
 * time descending, then start time descending, then run id ascending.
 */
import { VisibilityQueryError } from './query-error';
import {
  compareCustom,
  compareScalars,
  findSystemField,
  findSystemFieldIgnoringCase,
  readCustom,
  Scalar,
  storedTimeMs,
  SystemField,
  systemLiteral,
} from './query-fields';
import { Expression, FieldRef, Literal, OrderTerm, parseVisibilityQuery } from './query-parser';
import { VisibilityRecord } from './record';

export { VisibilityQueryError } from './query-error';

export interface CompiledVisibilityQuery {
  matches(record: VisibilityRecord): boolean;
  /** Negative when `a` comes first in the listing. */
  compare(a: VisibilityRecord, b: VisibilityRecord): number;
}

export function compileVisibilityQuery(query: string): CompiledVisibilityQuery {
  const parsed = parseVisibilityQuery(query ?? '');
  const matches = parsed.where ? compileExpression(parsed.where) : () => true;
  const compare = compileOrder(parsed.orderBy);
  return { matches, compare };
}

type Predicate = (record: VisibilityRecord) => boolean;

/** How one field is read and compared; literals are prepared once, when the query is compiled. */
interface Operand {
  read(record: VisibilityRecord): Scalar[] | null;
  compare(stored: Scalar, literal: PreparedLiteral): number | undefined;
  prepare(literal: Literal): PreparedLiteral;
  system?: SystemField;
}

type PreparedLiteral = Scalar | Literal;

function resolveOperand(field: FieldRef): Operand {
  const system = findSystemField(field.name);
  if (system) {
    return {
      system,
      read: (record) => {
        const value = system.read(record);
        return value === null ? null : [value];
      },
      compare: (stored, literal) => compareScalars(stored, literal as Scalar),
      prepare: (literal) => systemLiteral(system, literal),
    };
  }
  rejectMiscasedSystemName(field);
  return {
    read: (record) => readCustom(record, field.name),
    compare: (stored, literal) => compareCustom(stored, literal as Literal),
    prepare: (literal) => literal,
  };
}

/** 'workflowid' is almost surely a typo for WorkflowId; matching nothing silently would hide it. */
function rejectMiscasedSystemName(field: FieldRef): void {
  const candidate = findSystemFieldIgnoringCase(field.name);
  if (candidate) {
    throw new VisibilityQueryError(`unknown search attribute '${field.name}' at position ${field.position}; did you mean ${candidate.name}?`);
  }
}

function compileExpression(expression: Expression): Predicate {
  switch (expression.type) {
    case 'and': {
      const left = compileExpression(expression.left);
      const right = compileExpression(expression.right);
      return (record) => left(record) && right(record);
    }
    case 'or': {
      const left = compileExpression(expression.left);
      const right = compileExpression(expression.right);
      return (record) => left(record) || right(record);
    }
    case 'isNull': {
      const operand = resolveOperand(expression.field);
      return (record) => (operand.read(record) === null) !== expression.negated;
    }
    case 'compare': {
      const operand = resolveOperand(expression.field);
      const { operator } = expression;
      if (operator !== '=' && operator !== '!=') requireOrdered(operand, expression.field, operator);
      const literal = operand.prepare(expression.value);
      const holds = orderingTest(operator === '!=' ? '=' : operator);
      return whenPresent(operand, operator === '!=', (stored) => {
        const order = operand.compare(stored, literal);
        return order !== undefined && holds(order);
      });
    }
    case 'in': {
      const operand = resolveOperand(expression.field);
      const literals = expression.values.map((value) => operand.prepare(value));
      return whenPresent(operand, expression.negated, (stored) => literals.some((literal) => operand.compare(stored, literal) === 0));
    }
    case 'between': {
      const operand = resolveOperand(expression.field);
      requireOrdered(operand, expression.field, 'BETWEEN');
      const low = operand.prepare(expression.low);
      const high = operand.prepare(expression.high);
      return whenPresent(operand, expression.negated, (stored) => {
        const fromLow = operand.compare(stored, low);
        const toHigh = operand.compare(stored, high);
        return fromLow !== undefined && toHigh !== undefined && fromLow >= 0 && toHigh <= 0;
      });
    }
    case 'startsWith': {
      const operand = resolveOperand(expression.field);
      if (operand.system && operand.system.kind !== 'keyword') {
        throw new VisibilityQueryError(`STARTS_WITH is not supported for ${expression.field.name} (at position ${expression.field.position}); it applies to keyword attributes`);
      }
      const prefix = expression.prefix;
      if (prefix.kind !== 'string') {
        throw new VisibilityQueryError(`STARTS_WITH needs a quoted string at position ${prefix.position}`);
      }
      return whenPresent(operand, expression.negated, (stored) => typeof stored === 'string' && stored.startsWith(prefix.value));
    }
  }
}

/**
 * SQL three-valued logic collapsed to two: a missing value makes the predicate false whatever its
 * negation; otherwise the test holds when any stored element (KeywordList) satisfies it.
 */
function whenPresent(operand: Operand, negated: boolean, test: (stored: Scalar) => boolean): Predicate {
  return (record) => {
    const values = operand.read(record);
    if (values === null) return false;
    return values.some(test) !== negated;
  };
}

function requireOrdered(operand: Operand, field: FieldRef, operator: string): void {
  if (operand.system?.kind === 'status') {
    throw new VisibilityQueryError(`operator ${operator} is not supported for ${field.name} (at position ${field.position}); use =, !=, IN or NOT IN`);
  }
}

function orderingTest(operator: '=' | '>' | '>=' | '<' | '<='): (order: number) => boolean {
  switch (operator) {
    case '=':
      return (order) => order === 0;
    case '>':
      return (order) => order > 0;
    case '>=':
      return (order) => order >= 0;
    case '<':
      return (order) => order < 0;
    case '<=':
      return (order) => order <= 0;
  }
}

function compileOrder(terms: OrderTerm[]): (a: VisibilityRecord, b: VisibilityRecord) => number {
  const keys = terms.map((term) => {
    const operand = resolveOperand(term.field);
    return { read: (record: VisibilityRecord) => sortKey(operand, record), direction: term.descending ? -1 : 1 };
  });
  return (a, b) => {
    for (const key of keys) {
      const order = compareSortKeys(key.read(a), key.read(b), key.direction);
      if (order !== 0) return order;
    }
    return defaultOrder(a, b);
  };
}

/** The first stored value; datetime strings of custom attributes sort as times. */
function sortKey(operand: Operand, record: VisibilityRecord): Scalar | null {
  const values = operand.read(record);
  if (values === null) return null;
  const first = values[0];
  if (!operand.system && typeof first === 'string') return storedTimeMs(first) ?? first;
  return first;
}

/** Missing values sort last in either direction (as Elasticsearch visibility lists them). */
function compareSortKeys(a: Scalar | null, b: Scalar | null, direction: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const order = compareScalars(a, b) ?? compareScalars(typeof a, typeof b) ?? 0;
  return order * direction;
}

function defaultOrder(a: VisibilityRecord, b: VisibilityRecord): number {
  const closeA = a.closeTime ?? Number.POSITIVE_INFINITY;
  const closeB = b.closeTime ?? Number.POSITIVE_INFINITY;
  if (closeA !== closeB) return closeA > closeB ? -1 : 1;
  if (a.startTime !== b.startTime) return a.startTime > b.startTime ? -1 : 1;
  if (a.runId === b.runId) return 0;
  return a.runId < b.runId ? -1 : 1;
}
