import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to a request it chose to fault. */
export type CloudWatchFault = 'throttle' | 'unavailable' | 'drop-response';

/** One request seen by the proxy. */
export interface SeenRequest {
  readonly operation: string;
  readonly logGroupName: string | undefined;
  /** `logEvents` of a PutLogEvents call. */
  readonly events: number;
  readonly fault: CloudWatchFault | undefined;
}

/** Decides per request, from its content, whether it suffers a fault. */
export type CloudWatchFaultPolicy = (
  operation: string,
  body: Readonly<Record<string, unknown>>,
) => CloudWatchFault | undefined;

const TARGET = /^Logs_20140328\.([A-Za-z]+)$/;

/**
 * A loopback proxy in front of the CloudWatch Logs test endpoint that faults requests by their
 * content (the endpoint's own policy sees only the operation): so a test can fail every
 * PutLogEvents to one log group whatever order the concurrent flushes send them in.
 */
export class CloudWatchFaultProxy {
  readonly requests: SeenRequest[] = [];
  #policy: CloudWatchFaultPolicy | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  readonly #target: URL;
  #url = '';

  private constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => res.destroy());
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(target: string): Promise<CloudWatchFaultProxy> {
    const proxy = new CloudWatchFaultProxy(target);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.#url = `http://127.0.0.1:${(proxy.#server.address() as AddressInfo).port}`;
    return proxy;
  }

  get url(): string {
    return this.#url;
  }

  setFaultPolicy(policy: CloudWatchFaultPolicy | undefined): void {
    this.#policy = policy;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const operation = TARGET.exec(String(req.headers['x-amz-target'] ?? ''))?.[1] ?? '';
    const parsed = parseBody(body);
    const fault = this.#policy?.(operation, parsed);
    this.requests.push({
      operation,
      logGroupName: typeof parsed.logGroupName === 'string' ? parsed.logGroupName : undefined,
      events: Array.isArray(parsed.logEvents) ? parsed.logEvents.length : 0,
      fault,
    });
    if (fault === 'throttle') return sendError(res, 400, 'ThrottlingException');
    if (fault === 'unavailable') return sendError(res, 500, 'ServiceUnavailableException');
    const upstream = await this.#forward(req, body);
    if (fault === 'drop-response') {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, upstream.headers).end(upstream.body);
  }

  #forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(parts),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function sendError(res: ServerResponse, status: number, type: string): void {
  const text = JSON.stringify({ __type: type, message: `injected ${type}` });
  res
    .writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}
