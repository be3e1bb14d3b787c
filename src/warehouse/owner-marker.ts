import type { WarehouseOwner } from '../contract';

/** Parses a recorded owner; a string naming what is wrong when it is not one. */
export function parseOwnerMarker(text: string): WarehouseOwner | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  for (const field of ['namespace', 'workflowId', 'runId', 'createdAt'] as const) {
    if (typeof v[field] !== 'string' || v[field] === '') return `field "${field}" is missing or not a string`;
  }
  if (typeof v.keepWarehouse !== 'boolean') return 'field "keepWarehouse" is missing or not true/false';
  return {
    namespace: v.namespace as string,
    workflowId: v.workflowId as string,
    runId: v.runId as string,
    keepWarehouse: v.keepWarehouse,
    createdAt: v.createdAt as string,
    ...(typeof v.temporalAddress === 'string' ? { temporalAddress: v.temporalAddress } : {}),
    ...(Number.isInteger(v.temporalPid) && (v.temporalPid as number) > 0 ? { temporalPid: v.temporalPid as number } : {}),
  };
}
