// Test helpers for services that use QueueModule: handlers that sleep, fail and log executions.
export {
  TestJobHandlers,
  StandInBuiltInHandlers,
  TestJobHandlersModule,
  TestJobHandlersOptions,
  declareHandledJobTypes,
  executionLogKey,
  readExecutions,
} from './testing/test-job-handlers';
export type { ExecutionRecord } from './testing/test-job-handlers';
