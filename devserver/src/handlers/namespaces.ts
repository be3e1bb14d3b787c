/** RegisterNamespace, DescribeNamespace, ListNamespaces, GetSystemInfo. */
import { Msg, msToDuration, msToTimestamp } from '../proto';
import { invalidArgument, namespaceAlreadyExists, namespaceNotFound } from '../grpc/errors';
import type { Engine, NamespaceRecord } from '../engine/engine';
import type { UnaryHandler } from '../grpc/service';
import { requireField } from './validate';

export const SERVER_VERSION = '1.27.0-sparkify-devserver';

function describeRecord(record: NamespaceRecord): Msg {
  return {
    namespaceInfo: {
      name: record.name,
      state: 1, // REGISTERED
      description: record.description,
      ownerEmail: record.ownerEmail,
      data: record.data,
      id: record.id,
      capabilities: { eagerWorkflowStart: true, syncUpdate: true, asyncUpdate: true },
      supportsSchedules: false,
    },
    config: {
      workflowExecutionRetentionTtl: msToDuration(record.retentionDays * 86_400_000),
      historyArchivalState: 1,
      visibilityArchivalState: 1,
    },
    replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }], state: 1 },
    failoverVersion: 0,
    isGlobalNamespace: false,
  };
}

export function namespaceHandlers(engine: Engine, onChange: () => Promise<void>): Record<string, UnaryHandler> {
  return {
    async RegisterNamespace(request) {
      const name = requireField(request.namespace, 'Namespace');
      if (engine.namespaces.has(name)) throw namespaceAlreadyExists(name);
      const retentionMs = Number(request.workflowExecutionRetentionPeriod?.seconds ?? 0) * 1000;
      if (retentionMs < 0) throw invalidArgument('WorkflowExecutionRetentionPeriod cannot be negative');
      engine.registerNamespace(name, {
        description: request.description ?? '',
        ownerEmail: request.ownerEmail ?? '',
        retentionDays: retentionMs > 0 ? retentionMs / 86_400_000 : 1,
        data: request.data ?? {},
      });
      await onChange();
      return {};
    },
    DescribeNamespace(request) {
      const name: string = request.namespace || '';
      const record = name ? engine.namespaces.get(name) : [...engine.namespaces.values()].find((ns) => ns.id === request.id);
      if (!record) throw namespaceNotFound(name || request.id || '');
      return describeRecord(record);
    },
    ListNamespaces(request) {
      const all = [...engine.namespaces.values()].sort((a, b) => a.name.localeCompare(b.name));
      const pageSize = request.pageSize > 0 ? request.pageSize : 100;
      const start = request.nextPageToken?.length ? Number(Buffer.from(request.nextPageToken).toString('utf8')) || 0 : 0;
      const page = all.slice(start, start + pageSize);
      const next = start + pageSize < all.length ? Buffer.from(String(start + pageSize)) : undefined;
      return { namespaces: page.map(describeRecord), nextPageToken: next };
    },
    GetSystemInfo() {
      return {
        serverVersion: SERVER_VERSION,
        capabilities: {
          signalAndQueryHeader: true,
          internalErrorDifferentiation: true,
          activityFailureIncludeHeartbeat: true,
          supportsSchedules: false,
          encodedFailureAttributes: true,
          buildIdBasedVersioning: false,
          upsertMemo: true,
          eagerWorkflowStart: true,
          sdkMetadata: true,
          countGroupByExecutionStatus: true,
          nexus: false,
        },
      };
    },
    GetClusterInfo() {
      return {
        supportedClients: {},
        serverVersion: SERVER_VERSION,
        clusterId: 'sparkify-devserver',
        clusterName: 'active',
        historyShardCount: 1,
        persistenceStore: 'devserver',
        visibilityStore: 'devserver',
        isGlobalNamespaceEnabled: false,
        failoverVersionIncrement: 10,
        initialFailoverVersion: 1,
        versionInfo: { current: { version: SERVER_VERSION, releaseTime: msToTimestamp(Date.now()) } },
      };
    },
  };
}
