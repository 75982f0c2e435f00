import type { z } from 'zod';
import { toEnvelopeIssues } from '../envelope/codec.js';
import { EnvelopeError, PoisonReason } from '../envelope/errors.js';
import type { Envelope, TypedEnvelope } from '../envelope/schema.js';

/** A pure fold step: the state after one event. Must not mutate `state` nor do I/O. */
export type Apply<S, TType extends string, TData> = (state: S, event: TypedEnvelope<TType, TData>) => S;

/** One event type of an aggregate: a data schema per `schemaVersion` and the fold step. */
export interface EventDefinition<S> {
  readonly type: string;
  readonly schemas: Readonly<Record<number, z.ZodType>>;
  readonly apply: Apply<S, string, unknown>;
}

/** A registered aggregate type: its name, initial state and event types. */
export interface AggregateDefinition<S = unknown> {
  readonly aggregateType: string;
  readonly initialState: () => S;
  readonly events: ReadonlyMap<string, EventDefinition<S>>;
}

/** Builder that infers each event's data type from its schemas. */
export class AggregateBuilder<S> {
  readonly #events = new Map<string, EventDefinition<S>>();

  constructor(
    private readonly aggregateType: string,
    private readonly initialState: () => S,
  ) {}

  /** Registers an event type with one data schema per `schemaVersion` and its pure fold step. */
  event<TType extends string, TSchemas extends Readonly<Record<number, z.ZodType>>>(
    type: TType,
    schemas: TSchemas,
    apply: Apply<S, TType, z.output<TSchemas[keyof TSchemas]>>,
  ): this {
    if (this.#events.has(type)) {
      throw new Error(`aggregate ${this.aggregateType}: event type ${type} is registered twice`);
    }
    const versions = Object.keys(schemas).map(Number);
    if (versions.length === 0 || versions.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(
        `aggregate ${this.aggregateType}: event ${type} needs schemas keyed by schemaVersion ≥ 1`,
      );
    }
    this.#events.set(type, { type, schemas, apply: apply as Apply<S, string, unknown> });
    return this;
  }

  /** Freezes the definition. */
  build(): AggregateDefinition<S> {
    return {
      aggregateType: this.aggregateType,
      initialState: this.initialState,
      events: new Map(this.#events),
    };
  }
}

/**
 * Starts the definition of an aggregate type.
 * @example
 * const counter = defineAggregate('counter', () => ({ n: 0 }))
 *   .event('Incremented', { 1: z.object({ by: z.number() }) }, (s, e) => ({ n: s.n + e.data.by }))
 *   .build();
 */
export function defineAggregate<S>(aggregateType: string, initialState: () => S): AggregateBuilder<S> {
  return new AggregateBuilder(aggregateType, initialState);
}

/** An aggregate definition of any state type, as the registry holds them (state is opaque to it). */
// biome-ignore lint/suspicious/noExplicitAny: the state type varies per aggregate and is invariant in `apply`.
export type AnyAggregateDefinition = AggregateDefinition<any>;

/** A validated envelope together with the definition that folds it. */
export interface ResolvedEvent {
  readonly envelope: Envelope;
  readonly definition: AggregateDefinition<unknown>;
}

/** The set of aggregate types a processor knows: validates event data and folds events. */
export class AggregateRegistry {
  readonly #byType: ReadonlyMap<string, AggregateDefinition<unknown>>;

  constructor(definitions: readonly AnyAggregateDefinition[]) {
    const byType = new Map<string, AggregateDefinition<unknown>>();
    for (const definition of definitions) {
      if (byType.has(definition.aggregateType)) {
        throw new Error(`aggregate type ${definition.aggregateType} is registered twice`);
      }
      byType.set(definition.aggregateType, definition as unknown as AggregateDefinition<unknown>);
    }
    this.#byType = byType;
  }

  /** The registered aggregate type names. */
  get aggregateTypes(): string[] {
    return [...this.#byType.keys()];
  }

  /** The definition of an aggregate type, if registered. */
  definition(aggregateType: string): AggregateDefinition<unknown> | undefined {
    return this.#byType.get(aggregateType);
  }

  /** Checks `data` against the schema registered for (aggregateType, type, schemaVersion); returns the parsed envelope. */
  validate(envelope: Envelope): Envelope {
    const definition = this.#byType.get(envelope.aggregateType);
    if (definition === undefined) {
      throw new EnvelopeError(PoisonReason.UnknownAggregateType, [
        { path: 'aggregateType', message: `unknown aggregate type "${envelope.aggregateType}"` },
      ]);
    }
    const event = definition.events.get(envelope.type);
    if (event === undefined) {
      throw new EnvelopeError(PoisonReason.UnknownEventType, [
        {
          path: 'type',
          message: `unknown event type "${envelope.type}" for aggregate type "${envelope.aggregateType}"`,
        },
      ]);
    }
    const schema = event.schemas[envelope.schemaVersion];
    if (schema === undefined) {
      throw new EnvelopeError(PoisonReason.UnknownEventType, [
        {
          path: 'schemaVersion',
          message: `no schema for ${envelope.type} schemaVersion ${envelope.schemaVersion} (known: ${Object.keys(event.schemas).join(', ')})`,
        },
      ]);
    }
    const result = schema.safeParse(envelope.data);
    if (!result.success) {
      throw new EnvelopeError(PoisonReason.DataSchemaViolation, toEnvelopeIssues(result.error, ['data']));
    }
    return { ...envelope, data: result.data as Record<string, unknown> };
  }

  /** The initial state of an aggregate type (throws for an unknown type). */
  initialState(aggregateType: string): unknown {
    return this.#require(aggregateType).initialState();
  }

  /** Folds one validated event into the state. */
  apply(state: unknown, envelope: Envelope): unknown {
    const event = this.#require(envelope.aggregateType).events.get(envelope.type);
    if (event === undefined) {
      throw new Error(`unknown event type ${envelope.type} for ${envelope.aggregateType}`);
    }
    return event.apply(state, envelope as TypedEnvelope<string, unknown>);
  }

  #require(aggregateType: string): AggregateDefinition<unknown> {
    const definition = this.#byType.get(aggregateType);
    if (definition === undefined) throw new Error(`unknown aggregate type ${aggregateType}`);
    return definition;
  }
}
