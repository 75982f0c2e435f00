import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Thrown when a local server's port is already taken. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly service: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(
      `${service}: port ${port} on 127.0.0.1 is already in use; choose another port or stop what holds it`,
      options,
    );
  }
}

/** A server listening on 127.0.0.1. */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Stops accepting and closes every connection, idle keep-alive ones included (they would hold the server open). */
  close(): Promise<void>;
}

/** Binds a local HTTP server (an emulator, ingest, the EventBridge endpoint) to loopback; resolves once it listens. */
export function listenOnLoopback(service: string, server: Server, port: number): Promise<LoopbackListener> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(service, port, { cause: error }) : error);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        endpoint: `http://127.0.0.1:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections?.();
            server.close((error) => (error ? fail(error) : done()));
          }),
      });
    });
  });
}
