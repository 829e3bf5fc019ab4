// Loopback port helpers shared by scripts and tests.
import { connect, createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1. Another process can still take it before the caller binds, so
 * callers that cannot retry should prefer listening on port 0 themselves.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('listening on 127.0.0.1:0 gave no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Whether something accepts TCP connections on host:port (a loopback host; 127.0.0.1 by default) right now. */
export function acceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
