import { describe, expect, it } from 'vitest';
import { createSqsHandler } from '../../src/runtime/handlers.ts';
import { shutdownFlushers } from '../../src/runtime/shutdownHook.ts';
import { lambdaContext, sqsEvent, sqsMessage } from '../helpers/events.ts';
import { jsonBody } from '../helpers/handlerHarness.ts';
import { pipelineHarness } from '../helpers/pipelineHarness.ts';

describe('a pipeline at SIGTERM', () => {
  it('makes every flusher urgent and stops them all at once; one whose stop hangs holds up no other, and the budget holds', async () => {
    const pipeline = pipelineHarness({
      archive: {},
      stuck: { stop: 'hang' },
      search: { flush: () => ({ delayMs: 50 }) },
    });
    const handler = createSqsHandler(pipeline.options);
    expect(await handler(sqsEvent([sqsMessage(jsonBody())]), lambdaContext())).toEqual({
      batchItemFailures: [],
    });

    const started = Date.now();
    await shutdownFlushers(100);
    expect(Date.now() - started).toBeLessThan(300);
    for (const name of ['archive', 'stuck', 'search']) {
      expect(pipeline.of(name)[0]!.events, name).toEqual(['init', 'setUrgent(true)', 'stop']);
    }
  });
});
