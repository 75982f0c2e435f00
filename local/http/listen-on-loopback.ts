import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on 127.0.0.1. */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Stops accepting and closes every connection, idle keep-alive ones included (they would hold the server open). */
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 (port 0 picks a free one); rejects when the port is taken. */
export function listenOnLoopback(server: Server, port = 0): Promise<LoopbackListener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        endpoint: `http://127.0.0.1:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
