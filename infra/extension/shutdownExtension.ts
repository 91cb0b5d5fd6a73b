// The external Lambda extension shipped as a layer with both functions. Lambda sends SIGTERM to the
// runtime at shutdown only when an extension is registered; registering this one for SHUTDOWN
// turns the shutdown phase on (2,000 ms, about 300 ms of it for the runtime after SIGTERM), so the
// function's SIGTERM hook (src/runtime/shutdownHook.ts) can make its flusher urgent and stop it.
// It does nothing else: it registers, waits on /extension/event/next (the environment is frozen
// meanwhile, at no cost), and exits when the SHUTDOWN event arrives.
//
// Built by infra/esbuildOptions.cjs into one CommonJS file, `extensions/loggroup-flusher-shutdown`,
// run by the runtime's node through its shebang. Node built-ins only. node:http rather than fetch:
// fetch's default 300 s header timeout would end the long poll of an environment kept warm longer.
import { request } from 'node:http';
import { basename } from 'node:path';

/** The Extensions API version Lambda serves under AWS_LAMBDA_RUNTIME_API. */
const EXTENSIONS_API = '/2020-01-01/extension';

interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function call(
  api: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = request(`http://${api}${EXTENSIONS_API}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function log(level: 'INFO' | 'ERROR', message: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level, message, extension: name, ...extra })}\n`);
}

/** Lambda identifies an external extension by its file name in /opt/extensions. */
const name = basename(process.argv[1] ?? 'loggroup-flusher-shutdown');

async function main(api: string): Promise<number> {
  const registered = await call(
    api,
    'POST',
    '/register',
    { 'Lambda-Extension-Name': name, 'Content-Type': 'application/json' },
    JSON.stringify({ events: ['SHUTDOWN'] }),
  );
  const id = registered.headers['lambda-extension-identifier'];
  if (registered.status !== 200 || typeof id !== 'string') {
    // Without an identifier there is nothing to report to: exiting fails the init (Extension.Crash).
    log('ERROR', 'registration refused', { status: registered.status, body: registered.body.slice(0, 200) });
    return 1;
  }
  for (;;) {
    const next = await call(api, 'GET', '/event/next', { 'Lambda-Extension-Identifier': id });
    if (next.status !== 200) {
      log('ERROR', 'event/next failed', { status: next.status, body: next.body.slice(0, 200) });
      await call(
        api,
        'POST',
        '/exit/error',
        { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': 'Extension.NextFailed' },
        JSON.stringify({
          errorMessage: `event/next answered ${next.status}`,
          errorType: 'Extension.NextFailed',
        }),
      ).catch(() => undefined);
      return 1;
    }
    const event = JSON.parse(next.body) as { eventType?: string; shutdownReason?: string };
    if (event.eventType === 'SHUTDOWN') {
      log('INFO', 'shutdown', { reason: event.shutdownReason });
      return 0;
    }
  }
}

const api = process.env.AWS_LAMBDA_RUNTIME_API;
if (api === undefined || api === '') {
  log('ERROR', 'AWS_LAMBDA_RUNTIME_API is not set: not running inside Lambda');
  process.exit(1);
}
main(api).then(
  (code) => process.exit(code),
  (error: unknown) => {
    log('ERROR', 'extension failed', { error: String(error) });
    process.exit(1);
  },
);
