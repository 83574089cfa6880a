/**
 * Framework floor for http-submit with Nest: a bare Nest app on the Fastify adapter (no logger) with
 * one POST route whose body goes through the same ValidationPipe settings as the API (class-transformer
 * + class-validator, unknown properties refused) and then one raw bull add, nothing else. It shows what
 * the mandated framework costs before any RipTide code runs. Started by main.ts as a child process
 * (under @swc-node/register): PORT and REDIS_URL from env.
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import Bull from 'bull';
import { IsDefined, IsObject, IsOptional, IsString } from 'class-validator';
import { randomUUID } from 'node:crypto';

class SubmitDto {
  @IsDefined()
  @IsObject()
  job_type!: Record<string, unknown>;

  @IsOptional()
  @IsString()
  priority?: string;

  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

const queue = new Bull('nest-floor', String(process.env.REDIS_URL));

@Controller('workers/jobs')
class SubmitController {
  @Post()
  @HttpCode(200)
  async submit(@Body() body: SubmitDto) {
    const jobId = randomUUID();
    await queue.add(body, { jobId, removeOnComplete: true });
    return {
      job_id: jobId,
      status: 'submitted',
      submitted_at: new Date().toISOString(),
      message: 'Job submitted successfully',
    };
  }
}

@Module({ controllers: [SubmitController] })
class FloorModule {}

async function main(): Promise<void> {
  await queue.isReady();
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), {
    logger: false,
  });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  );
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
