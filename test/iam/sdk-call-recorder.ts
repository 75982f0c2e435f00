/**
 * Records every AWS SDK v3 call the process makes: each client (the handlers' own, the document client's, and
 * clients that libraries create inside, such as Powertools Parameters' Secrets Manager client) extends
 * `Client` of `@smithy/core/client`, so a middleware added on a client's first `send` sees every command with
 * its client and operation names and its input.
 */
import { Client } from '@smithy/core/client';

/** One SDK call. */
export interface RecordedCall {
  /** The client's name without `Client`: `DynamoDB`, `S3`, `Kinesis`, `SecretsManager`, `EventBridge`. */
  readonly service: string;
  /** The API operation: `BatchGetItem`, `PutObject`, `PutRecords`… */
  readonly operation: string;
  readonly input: Readonly<Record<string, unknown>>;
}

interface Stack {
  add(
    middleware: (
      next: (args: { input: unknown }) => Promise<unknown>,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: unknown }) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

/** A recorder that is on from {@link recordSdkCalls} until {@link SdkCallRecorder.stop}. */
export interface SdkCallRecorder {
  readonly calls: RecordedCall[];
  /** Leaves out the calls of these clients (the test's own setup and check clients). */
  exclude(...clients: readonly { readonly middlewareStack: unknown }[]): void;
  /** Runs a hook before each recorded call reaches the service (e.g. to race a concurrent writer). */
  before(hook: ((call: RecordedCall) => Promise<void> | void) | undefined): void;
  stop(): void;
}

/** Starts recording every SDK call made in this process (one recorder at a time). */
export function recordSdkCalls(): SdkCallRecorder {
  const prototype = Client.prototype as unknown as {
    send: (this: { middlewareStack: Stack }, ...args: unknown[]) => unknown;
  };
  const original = prototype.send;
  const calls: RecordedCall[] = [];
  const instrumented = new WeakSet<object>();
  const excluded = new WeakSet<object>();
  let hook: ((call: RecordedCall) => Promise<void> | void) | undefined;
  let on = true;
  prototype.send = function send(this: { middlewareStack: Stack }, ...args: unknown[]) {
    const stack = this.middlewareStack;
    if (!instrumented.has(stack)) {
      instrumented.add(stack);
      stack.add(
        (next, context) => async (request) => {
          if (on && !excluded.has(stack)) {
            const call: RecordedCall = {
              service: String(context.clientName ?? 'Unknown').replace(/Client$/, ''),
              operation: String(context.commandName ?? 'Unknown').replace(/Command$/, ''),
              // Shallow: bodies (streams) stay as they are; only names and keys are read.
              input: { ...(request.input as Record<string, unknown>) },
            };
            calls.push(call);
            await hook?.(call);
          }
          return next(request);
        },
        { step: 'initialize', name: 'iamTierCallRecorder', priority: 'high' },
      );
    }
    return original.apply(this, args);
  };
  return {
    calls,
    exclude(...clients) {
      for (const client of clients) excluded.add(client.middlewareStack as object);
    },
    before(next) {
      hook = next;
    },
    stop() {
      on = false;
      prototype.send = original;
    },
  };
}
