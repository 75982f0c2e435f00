/**
 * Counts DynamoDB requests made through SDK v3 clients, by command name: logical commands (one per
 * `client.send`) apart from HTTP attempts (one per try, retries included), each classed as read or write.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** How a DynamoDB operation is billed: data-plane read, data-plane write, or anything else (control plane). */
export type DynamoRequestKind = 'read' | 'write' | 'other';

const READ_COMMANDS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

/** Classifies a command by its SDK name (`UpdateItemCommand`, or `UpdateItem` without the suffix). */
export function classifyDynamoCommand(commandName: string): DynamoRequestKind {
  const name = commandName.endsWith('Command') ? commandName : `${commandName}Command`;
  if (READ_COMMANDS.has(name)) return 'read';
  if (WRITE_COMMANDS.has(name)) return 'write';
  return 'other';
}

/** Totals by kind. */
export interface DynamoKindTotals {
  readonly read: number;
  readonly write: number;
  readonly other: number;
  readonly total: number;
}

/** A snapshot of the counts. */
export interface DynamoRequestCounts {
  /** Logical commands (`client.send` calls) by command name. */
  readonly commands: Readonly<Record<string, number>>;
  /** HTTP attempts by command name, retries included. */
  readonly attempts: Readonly<Record<string, number>>;
  /** Logical commands by kind. */
  readonly commandTotals: DynamoKindTotals;
  /** HTTP attempts by kind. */
  readonly attemptTotals: DynamoKindTotals;
  /** Attempts beyond the first of each command (`attemptTotals.total - commandTotals.total`). */
  readonly retries: number;
}

function totalsOf(counts: ReadonlyMap<string, number>): DynamoKindTotals {
  const totals = { read: 0, write: 0, other: 0, total: 0 };
  for (const [name, count] of counts) {
    totals[classifyDynamoCommand(name)] += count;
    totals.total += count;
  }
  return totals;
}

function increment(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

let nextCounterId = 1;

/**
 * SDK middleware that counts DynamoDB requests on the clients it is attached to.
 *
 * @example
 * ```ts
 * const counter = new DynamoRequestCounter();
 * counter.attach(client);
 * await client.send(new GetItemCommand({ ... }));
 * counter.snapshot().commandTotals.read; // 1
 * ```
 */
export class DynamoRequestCounter {
  readonly #commands = new Map<string, number>();
  readonly #attempts = new Map<string, number>();
  // Unique names, so two counters can watch one client without replacing each other.
  readonly #id = nextCounterId++;
  readonly #commandMiddleware = `benchDynamoCommandCounter${this.#id}`;
  readonly #attemptMiddleware = `benchDynamoAttemptCounter${this.#id}`;

  /** Adds the counting middleware to a client (a `DynamoDBDocumentClient` shares its inner client's stack). */
  attach(client: Pick<DynamoDBClient, 'middlewareStack'>): void {
    this.detach(client);
    // `initialize` runs once per `send`, outside the retry loop: one logical command.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        increment(this.#commands, context.commandName ?? 'UnknownCommand');
        return next(args);
      },
      { step: 'initialize', name: this.#commandMiddleware, priority: 'high' },
    );
    // The retry middleware sits in `finalizeRequest` and calls the rest of the stack once per try, so
    // `deserialize` sees every attempt.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        increment(this.#attempts, context.commandName ?? 'UnknownCommand');
        return next(args);
      },
      { step: 'deserialize', name: this.#attemptMiddleware, priority: 'low' },
    );
  }

  /** Removes the counting middleware from a client. */
  detach(client: Pick<DynamoDBClient, 'middlewareStack'>): void {
    client.middlewareStack.remove(this.#commandMiddleware);
    client.middlewareStack.remove(this.#attemptMiddleware);
  }

  /** Sets every count back to zero (e.g. after creating tables, before the measured run). */
  reset(): void {
    this.#commands.clear();
    this.#attempts.clear();
  }

  /** The counts so far. */
  snapshot(): DynamoRequestCounts {
    const commandTotals = totalsOf(this.#commands);
    const attemptTotals = totalsOf(this.#attempts);
    return {
      commands: Object.fromEntries(this.#commands),
      attempts: Object.fromEntries(this.#attempts),
      commandTotals,
      attemptTotals,
      retries: attemptTotals.total - commandTotals.total,
    };
  }
}
