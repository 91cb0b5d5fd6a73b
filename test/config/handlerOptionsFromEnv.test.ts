import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlerOptionsFromEnv } from '../../src/config/handlerOptionsFromEnv.ts';
import { ConfigError } from '../../src/errors.ts';
import { encodeLogGroupListJson } from '../../src/protocol/logGroupJson.ts';
import { FileQuarantineSink } from '../../src/quarantine/FileQuarantineSink.ts';
import { createSqsHandler } from '../../src/runtime/handlers.ts';
import { lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { aLogGroup } from '../helpers/logGroups.ts';

function configError(env: Record<string, string>): ConfigError {
  try {
    handlerOptionsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('handlerOptionsFromEnv', () => {
  it.each([
    [{}, 'FLUSHER'],
    [{ FLUSHER: 'kafka' }, 'FLUSHER'],
    [{ FLUSHER: 'file' }, 'FILE_DIR'],
    [{ FLUSHER: 'stdout', INPUT_FORMAT: 'xml' }, 'INPUT_FORMAT'],
    [{ FLUSHER: 'stdout', FLUSH_CONCURRENCY: '0' }, 'FLUSH_CONCURRENCY'],
    [{ FLUSHER: 'stdout', URGENCY_MARGIN_MS: 'soon' }, 'URGENCY_MARGIN_MS'],
    [{ FLUSHER: 'stdout', SHUTDOWN_HOOK: 'maybe' }, 'SHUTDOWN_HOOK'],
    [{ FLUSHER: 'stdout', ORDER_ACROSS_DESTINATIONS: 'sometimes' }, 'ORDER_ACROSS_DESTINATIONS'],
  ])('rejects %j with a ConfigError naming %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('reads routing defaults and puts file quarantine under FILE_DIR/_quarantine', () => {
    const options = handlerOptionsFromEnv({
      FLUSHER: 'file',
      FILE_DIR: '/tmp/x',
      PROJECT: 'p',
      LOGSTORE: 's',
      CONFIG_NAME: 'c',
    });
    expect(options).toMatchObject({
      project: 'p',
      logstore: 's',
      configName: 'c',
      inputFormat: 'auto',
      shutdownHook: true,
      orderAcrossDestinations: true,
    });
    expect(
      handlerOptionsFromEnv({ FLUSHER: 'stdout', ORDER_ACROSS_DESTINATIONS: 'false' })
        .orderAcrossDestinations,
    ).toBe(false);
    expect(options.quarantine).toBeInstanceOf(FileQuarantineSink);
    expect((options.quarantine as FileQuarantineSink).directory).toBe('/tmp/x/_quarantine');
    expect(typeof options.flusher).toBe('function');
  });

  it('honours QUARANTINE_DIR for any destination', () => {
    const options = handlerOptionsFromEnv({ FLUSHER: 'stdout', QUARANTINE_DIR: '/tmp/q' });
    expect((options.quarantine as FileQuarantineSink).directory).toBe('/tmp/q');
  });

  it('routes LogGroups nothing else routes to project and logstore "default", never to an empty path segment', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'routing-defaults-'));
    try {
      const handler = createSqsHandler({
        ...handlerOptionsFromEnv({ FLUSHER: 'file', FILE_DIR: directory }),
        shutdownHook: false,
      });
      const body = encodeLogGroupListJson([aLogGroup()]);
      expect(await handler(sqsEvent([sqsMessage(body)]), lambdaContext())).toEqual({ batchItemFailures: [] });
      expect(await readdir(directory)).toContain('default');
      expect(await readdir(join(directory, 'default'))).toEqual(['default']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
