// The secondary entry point must resolve under moduleResolution node (node10) as well.
import { TestJobHandlersModule } from '@riptide/queue/testing';

export const testingEntryPoint: unknown = TestJobHandlersModule;
