import {
  CloudWatchLogsClient,
  type InputLogEvent,
  PutLogEventsCommand,
  type PutLogEventsCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';

/** One PutLogEvents request as the flusher sends it. */
export interface PutLogEventsRequest {
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly logEvents: InputLogEvent[];
}

/**
 * The PutLogEvents body written by our code: `JSON.stringify` of the request, as UTF-8. Byte for
 * byte the SDK's (same member order; JSON.stringify escapes exactly as the SDK's writer does,
 * lone surrogates included), which the benchmark checks before timing anything.
 */
export function putLogEventsBody(request: PutLogEventsRequest): Buffer {
  return Buffer.from(JSON.stringify(request));
}

/**
 * A PutLogEvents command whose body is `body` instead of what the SDK's serializer writes, still
 * sent through the real client (endpoint, headers, content length, SigV4 signing of this body):
 * the SDK serializes the request without its events, and a middleware right after the serializer
 * puts `body` in the request.
 */
export function commandWithBody(request: PutLogEventsRequest, body: Uint8Array): PutLogEventsCommand {
  const command = new PutLogEventsCommand(request);
  const withoutEvents: SerializeStep = (next) => (args) =>
    next({ ...args, input: { ...(args.input as PutLogEventsCommandInput), logEvents: [] } });
  const withBody: SerializeStep = (next) => (args) => {
    (args.request as { body: unknown }).body = body;
    return next(args);
  };
  // The middleware types are a union the compiler cannot pick from: these two are serialize-step ones.
  command.middlewareStack.addRelativeTo(withoutEvents as never, {
    relation: 'before',
    toMiddleware: 'serializerMiddleware',
    name: 'benchPutLogEventsInput',
  });
  command.middlewareStack.addRelativeTo(withBody as never, {
    relation: 'after',
    toMiddleware: 'serializerMiddleware',
    name: 'benchPutLogEventsBody',
  });
  return command;
}

/** A serialize-step middleware, as far as these two need it. */
type SerializeStep = (
  next: (args: { input: unknown; request?: unknown }) => Promise<unknown>,
) => (args: { input: unknown; request?: unknown }) => Promise<unknown>;

/**
 * A CloudWatch Logs client that never leaves the process: every request is answered `200 {}` at
 * once, and its body kept (`lastBody`). What it measures is the SDK's own work per request:
 * serializing, signing, parsing the answer.
 */
export function stubCloudWatchLogsClient(): { client: CloudWatchLogsClient; lastBody: () => unknown } {
  let lastBody: unknown;
  const client = new CloudWatchLogsClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        lastBody = request.body;
        return {
          response: {
            statusCode: 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Buffer.from('{}'),
          },
        };
      },
    },
  });
  return { client, lastBody: () => lastBody };
}
