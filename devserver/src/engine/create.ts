/** Builds an engine wired to the workflow task scheduler (the one module that both sides may import). */
import { Engine, EngineOptions } from './engine';
import { scheduleRequestedWorkflowTask } from './workflow-task';

export function createEngine(options: EngineOptions): Engine {
  return new Engine(options, scheduleRequestedWorkflowTask);
}
