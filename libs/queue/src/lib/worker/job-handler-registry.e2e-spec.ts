import { Injectable, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@riptide/testing';
import { HandlerRegistryError } from '../errors/handler-registry.error';
import { QueueModule } from '../queue.module';
import { CustomJobHandler, JobHandler } from './job-handler.decorator';

const url = testRedisUrl();

@Injectable()
class InvoiceHandlers {
  @CustomJobHandler('render-invoice')
  async render() {
    return {};
  }
}

@Injectable()
class SecondInvoiceHandlers {
  @CustomJobHandler('render-invoice')
  async renderAgain() {
    return {};
  }
}

@Injectable()
class TwoMethodsHandlers {
  @CustomJobHandler('export')
  async first() {
    return {};
  }

  @CustomJobHandler('export')
  async second() {
    return {};
  }
}

@Injectable()
class StackedHandlers {
  @JobHandler('single_crawl')
  @JobHandler('single_crawl')
  async crawl() {
    return {};
  }
}

@Injectable()
class OneMethodTwoTypes {
  @CustomJobHandler('render-pdf')
  @CustomJobHandler('render-png')
  async render() {
    return {};
  }
}

describe('Job handler registry: one handler per job type (real Nest boot)', () => {
  let prefix: string;

  /** Boots QueueModule (producer only) with these handler classes; returns the boot error, if any. */
  async function bootError(handlers: Type[]): Promise<unknown> {
    const moduleRef = await Test.createTestingModule({
      imports: [QueueModule.forRoot({ redisUrl: url, prefix, worker: { poolSize: 0 } })],
      providers: handlers,
    }).compile();
    try {
      await moduleRef.init();
      await moduleRef.close();
      return undefined;
    } catch (error) {
      await moduleRef.get(QueueModule).onApplicationShutdown();
      return error;
    }
  }

  beforeEach(() => {
    prefix = uniquePrefix('registry');
  });

  afterEach(async () => {
    await deleteKeysWithPrefix(url, prefix);
  });

  it('refuses two classes handling one job type, naming both', async () => {
    const error = await bootError([InvoiceHandlers, SecondInvoiceHandlers]);
    expect(error).toBeInstanceOf(HandlerRegistryError);
    expect((error as Error).message).toBe(
      'Two handlers registered for custom:render-invoice: InvoiceHandlers.render and SecondInvoiceHandlers.renderAgain; keep one',
    );
  });

  it('refuses two methods of one class handling one job type, naming both', async () => {
    const error = await bootError([TwoMethodsHandlers]);
    expect(error).toBeInstanceOf(HandlerRegistryError);
    expect((error as Error).message).toBe(
      'Two handlers registered for custom:export: TwoMethodsHandlers.first and TwoMethodsHandlers.second; keep one',
    );
  });

  it('refuses two decorators for one job type stacked on one method, naming it', async () => {
    const error = await bootError([StackedHandlers]);
    expect(error).toBeInstanceOf(HandlerRegistryError);
    expect((error as Error).message).toBe(
      'Two handler decorators for single_crawl on one method, StackedHandlers.crawl; keep one',
    );
  });

  it('lets one method handle two different types', async () => {
    expect(await bootError([OneMethodTwoTypes, InvoiceHandlers])).toBeUndefined();
  });
});
