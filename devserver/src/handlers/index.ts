/** All WorkflowService handlers by method name. */
import type { Engine } from '../engine/engine';
import type { UnaryHandler } from '../grpc/service';
import type { ScheduleRegistry } from '../schedules/scheduler';
import { historyHandlers } from './history';
import { namespaceHandlers } from './namespaces';
import { scheduleHandlers } from './schedules';
import { taskHandlers } from './tasks';
import { updateHandlers } from './updates';
import { visibilityHandlers } from './visibility';
import { workflowHandlers } from './workflows';

export function workflowServiceHandlers(engine: Engine, schedules: ScheduleRegistry): Record<string, UnaryHandler> {
  return {
    ...namespaceHandlers(engine, () => engine.commit()),
    ...workflowHandlers(engine),
    ...historyHandlers(engine),
    ...taskHandlers(engine),
    ...updateHandlers(engine),
    ...visibilityHandlers(engine, schedules),
    ...scheduleHandlers(engine, schedules),
  };
}
