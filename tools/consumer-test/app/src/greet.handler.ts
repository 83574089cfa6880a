import { Injectable } from '@nestjs/common';
import { CustomJobHandler, JobContext, JsonValue } from '@riptide/queue';

/** The service's only job: no built-in job type has a handler in this process. */
@Injectable()
export class GreetHandler {
  @CustomJobHandler('greet')
  async greet(
    payload: JsonValue | undefined,
    context: JobContext,
  ): Promise<{ greeting: string; attempt: number }> {
    context.signal.throwIfAborted();
    const name =
      payload !== null && typeof payload === 'object' && !Array.isArray(payload)
        ? String(payload['name'])
        : 'nobody';
    return { greeting: `hello ${name}`, attempt: context.attempt };
  }
}
