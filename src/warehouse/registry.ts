import { ApplicationFailure } from '@temporalio/common';
import type { WarehouseProvider } from './provider';
import { LocalWarehouseProvider } from './local-provider';
import { PostgresWarehouseProvider } from './postgres-provider';
import { RedshiftWarehouseProvider } from './redshift-provider';

/** Name → implementation. A provider that does not exist in this build is simply absent. */
const providers: ReadonlyMap<string, () => WarehouseProvider> = new Map<string, () => WarehouseProvider>([
  ['local', () => new LocalWarehouseProvider()],
  ['postgres', () => new PostgresWarehouseProvider()],
  ['redshift', () => new RedshiftWarehouseProvider()],
]);

export function registeredProviders(): string[] {
  return [...providers.keys()];
}

export function warehouseProvider(name: string): WarehouseProvider {
  const make = providers.get(name);
  if (!make) {
    throw ApplicationFailure.create({
      message: `unknown warehouse provider "${name}" (this build has: ${registeredProviders().join(', ')})`,
      type: 'UnknownWarehouseProvider',
      nonRetryable: true,
    });
  }
  return make();
}
