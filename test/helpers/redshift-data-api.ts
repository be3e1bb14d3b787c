/**
 * A Redshift Data API double on a mocked RedshiftDataClient (aws-sdk-client-mock): every
 * Execute/BatchExecuteStatement is recorded in order with its SQL; a statement runs for
 * `runningPolls(sqls)` DescribeStatement polls, then finishes, and answers as Redshift documents
 * (a statement id, then DescribeStatement with one sub-statement per SQL of a batch,
 * GetStatementResult per sub-statement). What the queries return and how many rows a statement
 * affected is the subclass's script.
 */
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type BatchExecuteStatementCommandInput,
  type ExecuteStatementCommandInput,
  type Field,
  type RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { AwsClientStub } from 'aws-sdk-client-mock';

export type Row = Record<string, string | number>;

export interface DataApiCall {
  id: string;
  sqls: string[];
}

export abstract class DataApiDouble {
  readonly calls: DataApiCall[] = [];
  private readonly polls = new Map<string, number>();

  constructor(
    private readonly data: AwsClientStub<RedshiftDataClient>,
    private readonly runningPolls: (sqls: string[]) => number = () => 0,
  ) {}

  /** The rows a query returns (undefined: the statement has no result set); `call` is its batch. */
  abstract answer(sql: string, call: DataApiCall): Row[] | undefined;
  /** Rows an INSERT/UPDATE/DELETE affected. */
  abstract affected(sql: string, call: DataApiCall): number;
  /** Sees each statement as it is submitted (to keep what later answers depend on). */
  protected submitted(_sql: string, _call: DataApiCall): void {}

  install(): void {
    const { data } = this;
    data.reset();
    const submit = (sqls: string[]) => {
      const call = { id: `stmt-${this.calls.length + 1}`, sqls };
      this.calls.push(call);
      this.polls.set(call.id, this.runningPolls(sqls));
      for (const sql of sqls) this.submitted(sql, call);
      return { Id: call.id };
    };
    data.on(ExecuteStatementCommand).callsFake((input: ExecuteStatementCommandInput) => submit([input.Sql!]));
    data.on(BatchExecuteStatementCommand).callsFake((input: BatchExecuteStatementCommandInput) => submit(input.Sqls!));
    data.on(DescribeStatementCommand).callsFake(({ Id }: { Id: string }) => {
      const call = this.calls.find((c) => c.id === Id)!;
      const left = this.polls.get(Id)!;
      if (left > 0) {
        this.polls.set(Id, left - 1);
        return { Id, Status: 'STARTED' };
      }
      const results = call.sqls.map((sql, k) => {
        const rows = this.answer(sql, call);
        return { Id: `${Id}:${k + 1}`, Status: 'FINISHED' as const, HasResultSet: rows !== undefined, ResultRows: rows ? rows.length : this.affected(sql, call) };
      });
      return call.sqls.length === 1 ? { ...results[0], Id, Status: 'FINISHED' } : { Id, Status: 'FINISHED', SubStatements: results };
    });
    data.on(GetStatementResultCommand).callsFake(({ Id }: { Id: string }) => {
      const [id, k] = Id.split(':');
      const call = this.calls.find((c) => c.id === id)!;
      const rows = this.answer(call.sqls[Number(k ?? 1) - 1], call)!;
      const names = rows.length > 0 ? Object.keys(rows[0]) : [];
      const field = (v: string | number): Field => (typeof v === 'number' ? { longValue: v } : { stringValue: v });
      return { ColumnMetadata: names.map((name) => ({ name })), Records: rows.map((row) => names.map((n) => field(row[n]))), TotalNumRows: rows.length };
    });
  }
}
