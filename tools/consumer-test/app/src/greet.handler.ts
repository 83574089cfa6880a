import { Injectable } from '@nestjs/common';
import { CustomJobHandler, JobContext, JsonValue } from '@riptide/queue';

/** The service's only job type: no built-in job type has a handler in this process. */
@Injectable()
export class GreetHandler {
  @CustomJobHandler('greet')
  async greet(
    payload: JsonValue | undefined,
    context: JobContext,
  ): Promise<{ greeting: string; attempt: number }> {
    context.signal.throwIfAborted();
    const fields =
      payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
    // A retry path through bull's scripts: such a job succeeds on its second attempt.
    if (fields['failFirst'] === true && context.attempt === 1)
      throw new Error('first attempt fails');
    const name = String(fields['name'] ?? 'nobody');
    return { greeting: `hello ${name}`, attempt: context.attempt };
  }
}
