/** All WorkflowService handlers by method name. */
import type { Engine } from '../engine/engine';
import type { UnaryHandler } from '../grpc/service';
import { historyHandlers } from './history';
import { namespaceHandlers } from './namespaces';
import { taskHandlers } from './tasks';
import { visibilityHandlers } from './visibility';
import { workflowHandlers } from './workflows';

export function workflowServiceHandlers(engine: Engine): Record<string, UnaryHandler> {
  return {
    ...namespaceHandlers(engine, () => engine.commit()),
    ...workflowHandlers(engine),
    ...historyHandlers(engine),
    ...taskHandlers(engine),
    ...visibilityHandlers(engine),
  };
}
