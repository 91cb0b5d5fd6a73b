// A loopback HTTP forwarder that gives every request a network's latency, or stalls it, by a
// policy the trial sets. It stands in front of the S3 test proxy or the CloudWatch Logs endpoint.
//
// Why not the fixtures' own `delay` fault: there the delay applies only to requests forwarded to
// s3rver, while AbortMultipartUpload (answered by the proxy itself) returns at once. Real S3 takes
// a round trip for every call, and whether an abort gets through before the process is killed is
// exactly what the shutdown trials measure.
//
// Like a real network: a request whose bytes were all sent is carried out upstream even when its
// client has gone meanwhile (its answer is then dropped); a request cut off mid-body never is.
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the policy decides for one request, once its body has fully arrived. */
export type Verdict = { readonly kind: 'forward'; readonly delayMs: number } | { readonly kind: 'stall' };

/** One request seen by the proxy, with what became of it. */
export interface ProxiedCall {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** When its last byte arrived (epoch ms). */
  readonly arrivedAt: number;
  verdict: Verdict['kind'] | undefined;
  /** When the upstream answered (epoch ms). */
  answeredAt: number | undefined;
  status: number | undefined;
  /** The upstream's answer, kept when small (an UploadId, an error code). */
  body: string | undefined;
  /** The client closed its connection before the answer could reach it. */
  clientGone: boolean;
}

export type LatencyPolicy = (call: ProxiedCall) => Verdict;

/** Answers up to this size are kept in the call log. */
const KEPT_BODY_BYTES = 4_096;
const REQUEST_HOP_BY_HOP = new Set(['connection', 'keep-alive', 'expect']);
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export class LatencyProxy {
  /** Every request, in arrival order (cleared by `reset`). */
  calls: ProxiedCall[] = [];
  policy: LatencyPolicy = () => ({ kind: 'forward', delayMs: 0 });
  readonly #server: Server;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly #sockets = new Set<Socket>();
  readonly #forwarding = new Set<Promise<void>>();
  readonly #uploads = new Map<
    string,
    { calls: Set<Promise<unknown>>; abort: Promise<unknown> | undefined }
  >();
  readonly #waiters = new Set<{
    test: (call: ProxiedCall) => boolean;
    resolve: (call: ProxiedCall) => void;
  }>();
  #port = 0;

  private constructor(readonly upstream: URL) {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A request cut off mid-body never reaches the server.
      req.on('end', () => {
        const call: ProxiedCall = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          arrivedAt: Date.now(),
          verdict: undefined,
          answeredAt: undefined,
          status: undefined,
          body: undefined,
          clientGone: false,
        };
        this.calls.push(call);
        for (const waiter of this.#waiters) {
          if (!waiter.test(call)) continue;
          this.#waiters.delete(waiter);
          waiter.resolve(call);
        }
        res.on('close', () => {
          if (!res.writableFinished) call.clientGone = true;
        });
        const verdict = this.policy(call);
        call.verdict = verdict.kind;
        if (verdict.kind === 'stall') return;
        const work = this.#forward(call, Buffer.concat(chunks), verdict.delayMs).then(
          (answer) => {
            if (res.destroyed) return;
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          },
          () => {
            res.destroy();
          },
        );
        this.#forwarding.add(work);
        void work.finally(() => this.#forwarding.delete(work));
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(upstream: string): Promise<LatencyProxy> {
    const proxy = new LatencyProxy(new URL(upstream));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.#port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Resolves with the next request to arrive that passes `test` (never, if none does). */
  next(test: (call: ProxiedCall) => boolean): Promise<ProxiedCall> {
    return new Promise((resolve) => this.#waiters.add({ test, resolve }));
  }

  /** Resolves once no forwarded request is still on its way (stalled ones never count). */
  async idle(): Promise<void> {
    while (this.#forwarding.size > 0) await Promise.allSettled([...this.#forwarding]);
  }

  /** Drop every connection still held (stalled requests included) and start a new call log. */
  reset(policy?: LatencyPolicy): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#waiters.clear();
    this.calls = [];
    if (policy !== undefined) this.policy = policy;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#agent.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #forward(
    call: ProxiedCall,
    body: Buffer,
    delayMs: number,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return this.#inUploadOrder(call, () => this.#send(call, body));
  }

  /**
   * S3 applies the calls on one multipart upload atomically: an AbortMultipartUpload runs after
   * the calls on that upload already in progress, and later calls after it (they then find no
   * upload). s3rver does not (the proxy's abort removes the parts while s3rver may be reading them
   * for a CompleteMultipartUpload, which crashes it), so the order is kept here.
   */
  async #inUploadOrder<T>(call: ProxiedCall, send: () => Promise<T>): Promise<T> {
    const uploadId = new URL(call.url, 'http://proxy').searchParams.get('uploadId');
    if (uploadId === null) return send();
    const isAbort = call.method === 'DELETE';
    for (;;) {
      const upload = this.#uploads.get(uploadId);
      const before =
        upload === undefined ? [] : isAbort ? [...upload.calls] : upload.abort ? [upload.abort] : [];
      if (before.length === 0) break;
      await Promise.allSettled(before);
    }
    const upload = this.#uploads.get(uploadId) ?? { calls: new Set<Promise<unknown>>(), abort: undefined };
    this.#uploads.set(uploadId, upload);
    const work = send();
    upload.calls.add(work);
    if (isAbort) upload.abort = work;
    try {
      return await work;
    } finally {
      upload.calls.delete(work);
      if (upload.abort === work) upload.abort = undefined;
      if (upload.calls.size === 0) this.#uploads.delete(uploadId);
    }
  }

  #send(
    call: ProxiedCall,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(call.headers)) {
      // `expect: 100-continue` was already answered here (and is never signed).
      if (value !== undefined && !REQUEST_HOP_BY_HOP.has(name)) headers[name] = value;
    }
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: call.method,
          path: call.url,
          headers,
          agent: this.#agent,
        },
        (response) => {
          const parts: Buffer[] = [];
          response.on('data', (chunk: Buffer) => parts.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const data = Buffer.concat(parts);
            call.answeredAt = Date.now();
            call.status = response.statusCode ?? 502;
            if (data.length <= KEPT_BODY_BYTES) call.body = data.toString('utf8');
            const out: Record<string, string | string[]> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
            }
            // A HEAD answer states the object's length without a body: keep it as sent.
            const length = call.method === 'HEAD' ? response.headers['content-length'] : String(data.length);
            if (length !== undefined) out['content-length'] = length;
            resolve({ status: call.status, headers: out, body: data });
          });
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}
