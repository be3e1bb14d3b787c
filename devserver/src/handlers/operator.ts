/**
 * The OperatorService call the web UI makes: ListSearchAttributes (its filter builder offers
 * them). Search attributes need no registration here, so the custom ones listed are those some
 * run of the namespace has set, typed by the `type` its payload carries (Keyword when absent).
 * Every other OperatorService method answers UNIMPLEMENTED.
 */
import { enums, Msg } from '../proto';
import type { Engine } from '../engine/engine';
import type { UnaryHandler } from '../grpc/service';
import { SystemFieldKind, systemFields } from '../visibility/query-fields';
import { requireField } from './validate';

const IndexedValueType = enums.IndexedValueType;

const SYSTEM_TYPE: Record<SystemFieldKind, number> = {
  keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  status: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  duration: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

const CUSTOM_TYPE: Record<string, number> = {
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export function operatorServiceHandlers(engine: Engine): Record<string, UnaryHandler> {
  return {
    ListSearchAttributes(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const systemAttributes: Record<string, number> = {};
      for (const field of systemFields()) systemAttributes[field.name] = SYSTEM_TYPE[field.kind];
      const customAttributes: Record<string, number> = {};
      for (const run of engine.runs.values()) {
        if (run.namespace !== namespace) continue;
        for (const [name, payload] of Object.entries(run.searchAttributes as Record<string, Msg>)) {
          if (name in customAttributes || name in systemAttributes) continue;
          const type = payload?.metadata?.type ? Buffer.from(payload.metadata.type).toString('utf8') : 'Keyword';
          customAttributes[name] = CUSTOM_TYPE[type] ?? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
        }
      }
      return { customAttributes, systemAttributes, storageSchema: {} };
    },
  };
}
