import { ApplicationFailure } from '@temporalio/common';
import { fnv1a32 } from '../shared/fnv1a';

const MAX_IDENTIFIER = 63;

function checkWarehouseId(warehouseId: string): void {
  if (typeof warehouseId !== 'string' || warehouseId.trim() === '') {
    throw ApplicationFailure.create({
      message: 'warehouseId must be a non-empty string',
      type: 'InvalidWarehouseId',
      nonRetryable: true,
    });
  }
}

/**
 * A lowercase [a-z0-9_] rendering of a warehouseId. When sanitizing changed or shortened the id,
 * a hash of the original is appended so two different ids never share a schema or directory.
 */
export function sanitizeWarehouseId(warehouseId: string, maxLength: number): string {
  checkWarehouseId(warehouseId);
  const plain = warehouseId.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (plain === warehouseId && plain.length <= maxLength) return plain;
  const suffix = '_' + fnv1a32(warehouseId).toString(16).padStart(8, '0');
  return plain.slice(0, maxLength - suffix.length) + suffix;
}

/** `sparkify_<warehouseId sanitized>`, a valid unquoted PostgreSQL/Redshift identifier. */
export function schemaForWarehouse(warehouseId: string): string {
  const prefix = 'sparkify_';
  return prefix + sanitizeWarehouseId(warehouseId, MAX_IDENTIFIER - prefix.length);
}

/** The directory name of a local warehouse under SPARKIFY_HOME. */
export function directoryForWarehouse(warehouseId: string): string {
  return sanitizeWarehouseId(warehouseId, 80);
}
