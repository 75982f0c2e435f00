/**
 * Measures the DynamoDB capacity units that requests through SDK v3 clients consume, as DynamoDB itself reports them:
 * the meter asks for `ReturnConsumedCapacity: INDEXES` on every data-plane request that did not ask for it (and hides
 * the answer from the caller again), and adds up `ConsumedCapacity.CapacityUnits`, read and write apart.
 *
 * What a response cannot report, the meter counts by the documented rules:
 * - a conditional write whose condition fails is refused with an error that carries no `ConsumedCapacity`, yet it
 *   still consumes write units, the existing item's size or at least one
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html): the
 *   meter adds the minimum, one unit, and counts such writes apart, so a run with many of them shows it.
 *
 * Against dynalite (the local DynamoDB), whose reports follow the documented item-size rules with two known
 * differences, checked in test/bench/dynamo-capacity-meter.int.spec.ts: it counts a string's UTF-16 code units rather
 * than its UTF-8 bytes (equal for ASCII, as every benchmark item is), and it reports no units for global secondary
 * index writes. For the second, the meter counts the writes whose item carries an index key attribute
 * (`indexKeyAttributes`): zero such writes means zero index units, exactly.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { consumedCapacityUnits } from './capacity-units.js';
import { classifyDynamoCommand } from './dynamo-request-counter.js';

/** Options of {@link DynamoCapacityMeter}. */
export interface DynamoCapacityMeterOptions {
  /**
   * Attributes that key a global secondary index of the metered tables (e.g. `gapSince`): a PutItem whose item
   * carries one writes to the index too.
   * @default []
   */
  readonly indexKeyAttributes?: readonly string[];
}

/** What the meter measured. */
export interface DynamoCapacity {
  /** Read units consumed (GetItem, BatchGetItem, Query, Scan, TransactGetItems). */
  readonly read: number;
  /** Write units consumed, failed conditional writes at their minimum included. */
  readonly write: number;
  /** Data-plane requests metered. */
  readonly requests: number;
  /** Conditional writes refused by their condition (each charged one write unit). */
  readonly failedConditionalWrites: number;
  /** Successful requests whose response reported no capacity (none expected: a sign the measure is incomplete). */
  readonly unreported: number;
  /** PutItem requests whose item carries a global secondary index key (their index units are not reported locally). */
  readonly indexedWrites: number;
}

/** Write units a failed conditional write consumes at least. */
export const FAILED_CONDITIONAL_WRITE_UNITS = 1;

const FAILED_CONDITION_ERRORS = new Set(['ConditionalCheckFailedException']);

let nextMeterId = 1;

/**
 * SDK middleware that adds up the capacity units DynamoDB reports for the requests of the clients it is attached to.
 *
 * @example
 * ```ts
 * const meter = new DynamoCapacityMeter();
 * meter.attach(client);
 * await documents.send(new PutCommand({ ... }));
 * meter.snapshot().write; // 1 for an item up to 1 KB
 * ```
 */
export class DynamoCapacityMeter {
  readonly #indexKeys: readonly string[];
  readonly #name = `benchDynamoCapacityMeter${nextMeterId++}`;
  #read = 0;
  #write = 0;
  #requests = 0;
  #failedConditionalWrites = 0;
  #unreported = 0;
  #indexedWrites = 0;

  constructor(options: DynamoCapacityMeterOptions = {}) {
    this.#indexKeys = options.indexKeyAttributes ?? [];
  }

  /** Adds the metering middleware to a client (a `DynamoDBDocumentClient` shares its inner client's stack). */
  attach(client: Pick<DynamoDBClient, 'middlewareStack'>): void {
    this.detach(client);
    // `initialize` runs once per `send`, around the retries: what it sees is what the caller's request cost in the
    // end (a throttled attempt consumes no capacity).
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const kind = classifyDynamoCommand(context.commandName ?? 'UnknownCommand');
        if (kind === 'other') return next(args);
        const input = args.input as Record<string, unknown>;
        const asked = input.ReturnConsumedCapacity;
        const injected = asked === undefined || asked === 'NONE';
        this.#requests++;
        if (context.commandName === 'PutItemCommand' && this.#carriesIndexKey(input.Item))
          this.#indexedWrites++;
        let result: Awaited<ReturnType<typeof next>>;
        try {
          result = await next(
            injected ? { ...args, input: { ...input, ReturnConsumedCapacity: 'INDEXES' } } : args,
          );
        } catch (error) {
          if (kind === 'write' && FAILED_CONDITION_ERRORS.has((error as Error).name)) {
            this.#failedConditionalWrites++;
            this.#write += FAILED_CONDITIONAL_WRITE_UNITS;
          }
          throw error;
        }
        const output = result.output as unknown as Record<string, unknown>;
        const units = consumedCapacityUnits(output.ConsumedCapacity);
        if (units === undefined) this.#unreported++;
        else if (kind === 'read') this.#read += units;
        else this.#write += units;
        if (!injected) return result;
        const { ConsumedCapacity: _hidden, ...rest } = output;
        return { ...result, output: rest as unknown as typeof result.output };
      },
      { step: 'initialize', name: this.#name, priority: 'high' },
    );
  }

  /** Removes the metering middleware from a client. */
  detach(client: Pick<DynamoDBClient, 'middlewareStack'>): void {
    client.middlewareStack.remove(this.#name);
  }

  /** Sets every figure back to zero (e.g. after a warm-up, before the measured run). */
  reset(): void {
    this.#read = 0;
    this.#write = 0;
    this.#requests = 0;
    this.#failedConditionalWrites = 0;
    this.#unreported = 0;
    this.#indexedWrites = 0;
  }

  /** The figures so far. */
  snapshot(): DynamoCapacity {
    return {
      read: this.#read,
      write: this.#write,
      requests: this.#requests,
      failedConditionalWrites: this.#failedConditionalWrites,
      unreported: this.#unreported,
      indexedWrites: this.#indexedWrites,
    };
  }

  #carriesIndexKey(item: unknown): boolean {
    if (item === null || typeof item !== 'object') return false;
    return this.#indexKeys.some((name) => Object.hasOwn(item, name));
  }
}
