/**
 * Finds warehouses whose run no longer exists (or has closed) and removes them: what a run leaves
 * behind when its teardown never ran (a dead in-memory devserver, a terminated run). The run's
 * state comes from Temporal; when Temporal cannot answer, everything is kept.
 */
import { Client, type Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { WarehouseOwner } from '../contract';
import { isAlive } from '../warehouse/embedded/postmaster';
import type { FoundWarehouse } from '../warehouse/provider';
import { registeredProviders, warehouseProvider } from '../warehouse/registry';

export type GcAction = 'removed' | 'would remove' | 'kept' | 'remove failed';

export interface GcEntry {
  provider: string;
  name: string;
  location: string;
  owner?: WarehouseOwner;
  action: GcAction;
  reason: string;
}

export interface GcReport {
  /** The Temporal asked about runs. */
  temporal: string;
  /** False when Temporal could not answer: then every warehouse was kept. */
  temporalAnswered: boolean;
  entries: GcEntry[];
  /** Providers that could not be listed (not configured, server down), with why. */
  skipped: { provider: string; reason: string }[];
  elapsedMs: number;
}

export interface GcOptions {
  /** A connection to the Temporal that runs the workflows; undefined when none could be made. */
  connection: Connection | undefined;
  /** How that Temporal is described to people (address and namespace). */
  temporal: string;
  /** Its address, compared with the one a marker recorded. */
  address: string;
  dryRun?: boolean;
  /** Also removes warehouses whose marker is missing or unreadable. */
  force?: boolean;
  /** Providers to look at (default: every registered one). */
  providers?: string[];
}

/** Why a warehouse's run is gone, or undefined when it must be kept (with `keep` saying why). */
type RunState = { gone: string } | { keep: string } | { unreachable: string };

async function runState(options: GcOptions, owner: WarehouseOwner): Promise<RunState> {
  if (owner.temporalPid !== undefined && owner.temporalAddress !== options.address) {
    // An in-memory devserver keeps its history only while the process holding it lives.
    return isAlive(owner.temporalPid)
      ? { keep: `its in-memory Temporal at ${owner.temporalAddress} (pid ${owner.temporalPid}) still runs` }
      : { gone: `its in-memory Temporal (pid ${owner.temporalPid}) is gone, and with it run ${owner.runId}` };
  }
  if (owner.temporalAddress !== undefined && owner.temporalPid === undefined && owner.temporalAddress !== options.address) {
    return { keep: `provisioned through Temporal at ${owner.temporalAddress}, not ${options.address}: run gc against that one` };
  }
  if (!options.connection) return { unreachable: `Temporal at ${options.temporal} could not be reached` };
  const client = new Client({ connection: options.connection, namespace: owner.namespace });
  try {
    const description = await client.workflow.getHandle(owner.workflowId, owner.runId).describe();
    const status = description.status.name;
    if (status === 'RUNNING') return { keep: `run ${owner.workflowId} (${owner.runId}) is running` };
    return { gone: `run ${owner.workflowId} (${owner.runId}) is ${status}` };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      return { gone: `run ${owner.workflowId} (${owner.runId}) does not exist in namespace ${owner.namespace}` };
    }
    return { unreachable: `Temporal could not say whether run ${owner.workflowId} exists: ${String((err as Error).message).split('\n')[0]}` };
  }
}

export async function collectOrphanedWarehouses(options: GcOptions): Promise<GcReport> {
  const began = Date.now();
  const report: GcReport = { temporal: options.temporal, temporalAnswered: options.connection !== undefined, entries: [], skipped: [], elapsedMs: 0 };
  const hooks = { heartbeat: () => undefined };
  for (const name of options.providers ?? registeredProviders()) {
    const provider = warehouseProvider(name);
    let found: FoundWarehouse[];
    try {
      found = await provider.listWarehouses();
    } catch (err) {
      report.skipped.push({ provider: name, reason: String((err as Error).message).split('\n')[0] });
      continue;
    }
    for (const warehouse of found) {
      const { provider: providerName, name: warehouseName, location, owner } = warehouse;
      const entry = (action: GcAction, reason: string): GcEntry => ({
        provider: providerName, name: warehouseName, location, ...(owner ? { owner } : {}), action, reason,
      });
      let orphanReason: string | undefined;
      if (!owner) {
        const problem = `owner unknown (${warehouse.markerProblem ?? 'no marker'})`;
        if (!options.force) {
          report.entries.push(entry('kept', `${problem}; --force removes it`));
          continue;
        }
        orphanReason = `${problem}, removed with --force`;
      } else if (owner.keepWarehouse) {
        report.entries.push(entry('kept', `run ${owner.workflowId} asked to keep its warehouse`));
        continue;
      } else {
        const state = report.temporalAnswered ? await runState(options, owner) : { unreachable: `Temporal at ${options.temporal} did not answer` };
        if ('unreachable' in state) {
          // Once Temporal fails to answer, nothing it owns can be judged: keep everything.
          report.temporalAnswered = false;
          report.entries.push(entry('kept', state.unreachable));
          continue;
        }
        if ('keep' in state) {
          report.entries.push(entry('kept', state.keep));
          continue;
        }
        orphanReason = state.gone;
      }
      if (options.dryRun) {
        report.entries.push(entry('would remove', orphanReason));
        continue;
      }
      try {
        await provider.removeWarehouse(warehouseName, hooks);
        report.entries.push(entry('removed', orphanReason));
      } catch (err) {
        report.entries.push(entry('remove failed', `${orphanReason}; removing failed: ${String((err as Error).message).split('\n')[0]}`));
      }
    }
  }
  report.elapsedMs = Date.now() - began;
  return report;
}

/** Lines for people: one per warehouse, what happened and why. */
export function renderGcReport(report: GcReport): string[] {
  const lines: string[] = [];
  for (const e of report.entries) lines.push(`${e.action}: ${e.provider} warehouse ${e.name} (${e.location}): ${e.reason}`);
  for (const s of report.skipped) lines.push(`skipped provider ${s.provider}: ${s.reason}`);
  if (!report.temporalAnswered) lines.push(`Temporal at ${report.temporal} did not answer: warehouses of known runs were kept`);
  if (report.entries.length === 0) lines.push('no warehouses found');
  return lines;
}
