import { afterAll, beforeAll } from 'vitest';
import { createS3Flusher } from '../../../src/flushers/s3/S3Flusher.ts';
import { describeFlusherContract } from '../../contract/flusherContract.ts';
import { S3TestEnvironment } from '../../fixtures/s3/s3TestEnvironment.ts';

let env: S3TestEnvironment;
beforeAll(async () => {
  env = await S3TestEnvironment.start();
});
afterAll(async () => {
  await env?.close();
});

describeFlusherContract('S3Flusher', async () => {
  const keyPrefix = env.prefix();
  return {
    flusher: createS3Flusher(env.config({ keyPrefix }), { clientConfig: env.clientConfig }),
    // Read back from S3 itself: every JSON line of every object under this flusher's prefix.
    storedLogs: async () => {
      const objects = await env.readAll(keyPrefix);
      return objects.reduce((sum, o) => sum + o.body.toString('utf8').split('\n').filter(Boolean).length, 0);
    },
  };
});
