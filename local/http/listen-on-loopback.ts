import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRequestTarget } from './request-target.js';

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

/** The client went away: nothing to answer, nobody to tell. */
function ignoreClientAbort(): void {}

type ErrorListener = (error: Error) => void;
const contained = new WeakSet<ErrorListener>();

/**
 * kinesalite and dynalite answer a request `error` with `throw err`, so a client hanging up mid-body would crash
 * the process; every `error` listener on the request is wrapped so that what it throws stays with it.
 */
function containThrowingErrorListeners(request: IncomingMessage): void {
  for (const listener of request.listeners('error') as ErrorListener[]) {
    if (listener === ignoreClientAbort || contained.has(listener)) continue;
    const wrapper: ErrorListener = (error) => {
      try {
        listener.call(request, error);
      } catch {
        // The listener's own reaction to a dead connection; there is no one left to answer.
      }
    };
    contained.add(wrapper);
    request.off('error', listener);
    request.on('error', wrapper);
  }
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

function answer(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  response.end(JSON.stringify({ message }));
}

/**
 * Puts a guard in front of the server's request listeners (ours and the emulators' alike): a target that is not
 * origin-form gets 400 before any of them parses it, a listener that throws answers 500, and a client hanging up
 * mid-body is ignored, instead of any of these taking the process (and with it every local service) down.
 */
export function guardRequestListeners(service: string, server: Server): void {
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length === 0) return;
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    // A client that hangs up before its body ends makes the request emit `error` ("aborted", ECONNRESET); with no
    // listener that is an uncaught exception, and the emulators (kinesalite, dynalite) add none.
    request.on('error', ignoreClientAbort);
    if (parseRequestTarget(request.url) === undefined) {
      request.resume();
      answer(response, 400, `${service}: the request target must be a path starting with "/"`);
      return;
    }
    for (const listener of listeners) {
      try {
        listener.call(server, request, response);
        containThrowingErrorListeners(request);
      } catch (error) {
        request.resume();
        answer(
          response,
          500,
          `${service}: internal error (${error instanceof Error ? error.name : 'unknown'})`,
        );
      }
    }
  });
}

/**
 * Binds a local HTTP server (an emulator, ingest, the EventBridge endpoint) to loopback, behind
 * {@link guardRequestListeners}; resolves once it listens.
 */
export function listenOnLoopback(service: string, server: Server, port: number): Promise<LoopbackListener> {
  guardRequestListeners(service, server);
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
