/** Activities that create, shape and remove the warehouse. */
import { Context } from '@temporalio/activity';
import type {
  CreateTablesInput,
  CreateTablesResult,
  ProvisionWarehouseInput,
  TeardownWarehouseInput,
  TeardownWarehouseResult,
  WarehouseHandle,
  WarehouseOwner,
} from '../contract';
import { DEFAULT_ADDRESS } from '../client/connection';
import { inProcessTemporal } from '../shared/in-process-temporal';
import { warehouseProvider } from '../warehouse/registry';
import { stepIfFileExists } from '../warehouse/session';
import { ALL_TABLES } from '../warehouse/tables';
import { startStagingEpochStep } from './staging/epoch';
import { inSession } from './warehouse-activity';

/**
 * Creates (or finds again, when retried) the warehouse named by `warehouseId` and returns how to
 * reach it. Heartbeats while it waits for the warehouse to become ready.
 */
export async function provisionWarehouse(input: ProvisionWarehouseInput): Promise<WarehouseHandle> {
  const ctx = Context.current();
  const provider = warehouseProvider(input.provider);
  const { workflowNamespace, workflowExecution } = ctx.info;
  // Without a workflow (an activity run on its own) there is no run to record.
  const owner: WarehouseOwner | undefined =
    workflowNamespace && workflowExecution
      ? {
          namespace: workflowNamespace,
          workflowId: workflowExecution.workflowId,
          runId: workflowExecution.runId,
          keepWarehouse: input.keepWarehouse === true,
          createdAt: new Date().toISOString(),
          ...temporalOf(),
        }
      : undefined;
  return provider.provision(input.warehouseId, { heartbeat: (stage) => ctx.heartbeat(stage), sleep: (ms) => ctx.sleep(ms) }, owner);
}

/** Which Temporal this worker talks to, when known: an in-memory one dies with this process. */
function temporalOf(): Pick<WarehouseOwner, 'temporalAddress' | 'temporalPid'> {
  const inProcess = inProcessTemporal();
  if (inProcess) return { temporalAddress: inProcess, temporalPid: process.pid };
  // Always recorded (the default too): gc against another Temporal must not judge this run unseen.
  return { temporalAddress: process.env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS };
}

/**
 * Drops and recreates every table of the pipeline, in one transaction; staging starts at round 1.
 * Tables that do not outlive the run get the dialect's sql/<dialect>/run_scoped/star_tables.sql too,
 * when it has one.
 */
export async function createTables(input: CreateTablesInput): Promise<CreateTablesResult> {
  return inSession(input.warehouse, `creating tables in ${input.warehouse.schema}`, async (session) => {
    await session.transaction([
      ...ALL_TABLES.map((table) => ({ file: `${session.dialect}/create/${table}.sql` })),
      ...(input.keptAfterRun === false ? stepIfFileExists(`${session.dialect}/run_scoped/star_tables.sql`) : []),
      startStagingEpochStep(1),
    ]);
    return { tables: [...ALL_TABLES], serverStartedAt: await session.serverStartedAt() };
  });
}

/** Removes the warehouse and everything in it; a repeated teardown finds nothing and says so. */
export async function teardownWarehouse(input: TeardownWarehouseInput): Promise<TeardownWarehouseResult> {
  const ctx = Context.current();
  const provider = warehouseProvider(input.provider);
  const removed = await provider.teardown(input.warehouseId, { heartbeat: (stage) => ctx.heartbeat(stage), sleep: (ms) => ctx.sleep(ms) });
  return { warehouseId: input.warehouseId, removed };
}
