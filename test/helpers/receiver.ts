// A webhook receiver on loopback that records every POST (headers and JSON body) and can be told to fail.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  idempotencyKey?: string;
  body: unknown;
  /** The status this receiver answered. */
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The bodies it accepted (answered 2xx), in arrival order. */
  accepted(): unknown[];
  /** Answer the next `count` POSTs with `status`. */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let failing = { count: 0, status: 503 };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const status = failing.count > 0 ? failing.status : 200;
      if (failing.count > 0) failing.count--;
      const key = req.headers['idempotency-key'];
      received.push({
        path: req.url ?? '',
        idempotencyKey: typeof key === 'string' ? key : undefined,
        body: JSON.parse(text || 'null') as unknown,
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    accepted: () => received.filter((r) => r.status < 300).map((r) => r.body),
    failNext: (count, status = 503) => (failing = { count, status }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
