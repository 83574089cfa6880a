import 'reflect-metadata';
import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** Boots the `AppModule` a compiled README example exports, then closes it: the example must boot. */
async function main(): Promise<void> {
  const file = process.argv[2];
  const example = (await import(file)) as { AppModule: Type<unknown> };
  const app = await NestFactory.create(example.AppModule, { logger: ['error', 'warn'] });
  await app.init();
  await app.close();
  process.stdout.write('booted\n');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
