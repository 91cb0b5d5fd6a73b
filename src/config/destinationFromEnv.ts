import { join } from 'node:path';
import { cloudWatchConfigFromEnv, cloudWatchQuarantineConfigFromEnv } from '../flushers/cloudwatch/config.ts';
import {
  createCloudWatchLogsClient,
  createCloudWatchLogsFlusher,
} from '../flushers/cloudwatch/createCloudWatchLogsFlusher.ts';
import { FileFlusher } from '../flushers/file/FileFlusher.ts';
import { s3ConfigFromEnv } from '../flushers/s3/config.ts';
import { createS3Destination } from '../flushers/s3/createS3Destination.ts';
import { StdoutFlusher } from '../flushers/stdout/StdoutFlusher.ts';
import { createCloudWatchQuarantineSink } from '../quarantine/CloudWatchQuarantineSink.ts';
import { ConsoleQuarantineSink } from '../quarantine/ConsoleQuarantineSink.ts';
import { FileQuarantineSink } from '../quarantine/FileQuarantineSink.ts';
import type { QuarantineSink } from '../quarantine/QuarantineSink.ts';
import type { FlusherSource } from '../runtime/FlusherHolder.ts';
import { type Env, env } from './env.ts';

/** Values of `FLUSHER`. */
export const FLUSHER_KINDS = ['s3', 'cloudwatch-logs', 'stdout', 'file'] as const;
export type FlusherKind = (typeof FLUSHER_KINDS)[number];

/** A destination built from the environment: its flusher factory and its quarantine. */
export interface EnvDestination {
  readonly flusher: FlusherSource;
  readonly quarantine: QuarantineSink;
  readonly fileQuarantine: (directory: string) => QuarantineSink;
}

/** Validate the chosen destination's variables now (cold start), and return its factory. */
export function destinationFromEnv(kind: FlusherKind, vars: Env): EnvDestination {
  const fileQuarantine = (directory: string) => new FileQuarantineSink(directory);
  switch (kind) {
    case 'stdout':
      return { flusher: () => new StdoutFlusher(), quarantine: new ConsoleQuarantineSink(), fileQuarantine };
    case 'file': {
      const directory = env.required(vars, 'FILE_DIR', 'when FLUSHER=file');
      return {
        flusher: () => new FileFlusher({ directory }),
        quarantine: fileQuarantine(join(directory, '_quarantine')),
        fileQuarantine,
      };
    }
    case 'cloudwatch-logs': {
      const config = cloudWatchConfigFromEnv(vars);
      // One client per process: flushers replaced after a deadline reuse its connections.
      const client = createCloudWatchLogsClient(config);
      return {
        flusher: () => createCloudWatchLogsFlusher(config, { client }),
        quarantine: createCloudWatchQuarantineSink(cloudWatchQuarantineConfigFromEnv(vars), { client }),
        fileQuarantine,
      };
    }
    case 's3': {
      const s3 = createS3Destination(s3ConfigFromEnv(vars));
      return { flusher: s3.flusher, quarantine: s3.quarantine, fileQuarantine };
    }
  }
}
