import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { EventBusPort } from '../../processors/bus-bridge/event-bus-port.js';
import {
  contextFromTraceFields,
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  PipelineAttribute,
  SpanName,
  TRACING_OFF,
  type Tracing,
} from '../../processors/tracing/index.js';
import { envelopeTrace } from '../traces/envelope-trace.js';
import { EventBusClosedError, InvalidRuleError, WebhookDeliveryError } from './errors.js';
import {
  type CompiledEventPattern,
  compileEventPattern,
  type EventPattern,
  parseEventPattern,
} from './event-pattern.js';
import { NdjsonQueue } from './ndjson-queue.js';
import {
  type EventBridgeEvent,
  type PutEventsRequestEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
  toEventBridgeEvent,
  validatePutEventsRequest,
} from './put-events.js';
import {
  DEFAULT_EVENTBRIDGE_RETRY_POLICY,
  type EventBridgeRetryPolicy,
  type ExhaustedRetryCondition,
  type RetryClock,
  resolveRetryPolicy,
  retryWithBackoff,
} from './retry-policy.js';
import { isLoopbackUrl, postJson } from './webhook.js';

/** An HTTP endpoint on this machine that receives each matched event as a JSON POST. */
export interface WebhookTargetDefinition {
  readonly url: string;
  /** Per-request timeout. @default the bus's `webhookTimeoutMs` */
  readonly timeoutMs?: number;
}

/** A rule: a pattern, its always-on local queue target, and an optional webhook target. */
export interface BusRuleDefinition {
  /** 1–64 characters of `[.\-_A-Za-z0-9]`, as AWS allows; also names the queue files. */
  readonly name: string;
  /** The pattern, as an object or as JSON text. */
  readonly eventPattern: EventPattern | string;
  /** @default 'ENABLED' */
  readonly state?: 'ENABLED' | 'DISABLED';
  readonly webhook?: WebhookTargetDefinition;
  /** Overrides the bus's retry policy for this rule's targets. */
  readonly retry?: Partial<EventBridgeRetryPolicy>;
}

/** Options of `openEventBus`. */
export interface EventBusOptions extends RetryClock {
  /** Bus name; entries must name it or its ARN (an entry without `EventBusName` means `default`). */
  readonly name: string;
  /** Folder of the rule queues (`<rule>.ndjson`) and DLQs (`<rule>.dlq.ndjson`). */
  readonly dataDir: string;
  /** @default '000000000000' */
  readonly account?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  readonly rules?: readonly BusRuleDefinition[] | undefined;
  /** @default DEFAULT_EVENTBRIDGE_RETRY_POLICY (4 retries, 60 s, 100 ms → 2 s backoff) */
  readonly retry?: Partial<EventBridgeRetryPolicy>;
  /** @default 5000 */
  readonly webhookTimeoutMs?: number;
  /** @default crypto.randomUUID */
  readonly newEventId?: () => string;
  /**
   * Records a `deliver <rule>` span per (event, target) delivery, child of the event's `detail.envelope` trace
   * context, with its outcome (docs/tracing.md). @default TRACING_OFF
   */
  readonly tracing?: Tracing;
  /**
   * Records the example consumer's `process <queue>` span for each event a rule's queue received, child of its
   * `detail.envelope` trace context (docs/tracing.md). @default TRACING_OFF
   */
  readonly consumerTracing?: Tracing;
}

/** Counters since the bus was opened. */
export interface EventBusStats {
  /** `PutEvents` calls that passed request validation. */
  readonly putEvents: number;
  readonly entriesAccepted: number;
  readonly entriesFailed: number;
  /** (event, rule) pairs that matched. */
  readonly matched: number;
  /** (event, target) deliveries that succeeded. */
  readonly delivered: number;
  /** Retry attempts after a failed delivery. */
  readonly retried: number;
  /** (event, target) deliveries written to a DLQ after retries ran out. */
  readonly deadLettered: number;
  /** Dead letters that could not be written either (the entry is then reported failed). */
  readonly deadLetterFailures: number;
  /** `PutEvents` calls and webhook deliveries still running. */
  readonly inFlight: number;
}

/** A DLQ message: the event, the target and why delivery gave up (the attributes AWS puts on DLQ messages). */
export interface BusDeadLetter {
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly target: 'queue' | 'webhook';
  readonly targetUrl?: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly exhaustedRetryCondition: ExhaustedRetryCondition;
  readonly retryAttempts: number;
  readonly failedAt: string;
  readonly event: EventBridgeEvent;
}

interface Rule {
  readonly definition: BusRuleDefinition;
  readonly arn: string;
  readonly pattern: CompiledEventPattern;
  readonly retry: EventBridgeRetryPolicy;
  readonly queue: NdjsonQueue<EventBridgeEvent>;
  readonly dlq: NdjsonQueue<BusDeadLetter>;
}

type MutableStats = { -readonly [K in keyof EventBusStats]: EventBusStats[K] };

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/**
 * Opens an in-process EventBridge bus whose rules' queues live under `dataDir`.
 *
 * @example
 * const bus = await openEventBus({ name: 'pipeline', dataDir: '.local/bus',
 *   rules: [{ name: 'orders', eventPattern: { source: [{ prefix: 'pipeline.' }] } }] });
 * await bus.putEvents([{ EventBusName: 'pipeline', Source: 'pipeline.order', DetailType: 'OrderPlaced', Detail: '{}' }]);
 * await bus.queue('orders').count(); // 1
 * await bus.close();
 */
export async function openEventBus(options: EventBusOptions): Promise<LocalEventBus> {
  const bus = new LocalEventBus(options);
  for (const rule of options.rules ?? []) await bus.putRule(rule);
  return bus;
}

/** The local event bus: `PutEvents`, pattern-matched rules, queue and webhook targets, retries and DLQs. */
export class LocalEventBus implements EventBusPort {
  readonly name: string;
  readonly arn: string;
  readonly #options: Required<Omit<EventBusOptions, 'rules' | 'retry' | 'tracing' | 'consumerTracing'>>;
  readonly #tracing: Tracing;
  readonly #consumerTracing: Tracing;
  readonly #retry: EventBridgeRetryPolicy;
  readonly #rules = new Map<string, Rule>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stats: MutableStats = {
    putEvents: 0,
    entriesAccepted: 0,
    entriesFailed: 0,
    matched: 0,
    delivered: 0,
    retried: 0,
    deadLettered: 0,
    deadLetterFailures: 0,
    inFlight: 0,
  };
  #closed = false;

  /** Prefer `openEventBus`, which also creates the rules. */
  constructor(options: EventBusOptions) {
    this.#options = {
      name: options.name,
      dataDir: options.dataDir,
      account: options.account ?? '000000000000',
      region: options.region ?? 'us-east-1',
      webhookTimeoutMs: options.webhookTimeoutMs ?? 5_000,
      now: options.now ?? (() => new Date()),
      newEventId: options.newEventId ?? randomUUID,
      random: options.random ?? Math.random,
    };
    this.#retry = resolveRetryPolicy(options.retry, DEFAULT_EVENTBRIDGE_RETRY_POLICY);
    this.#tracing = options.tracing ?? TRACING_OFF;
    this.#consumerTracing = options.consumerTracing ?? TRACING_OFF;
    this.name = options.name;
    this.arn = `arn:aws:events:${this.#options.region}:${this.#options.account}:event-bus/${options.name}`;
  }

  /** Creates or replaces a rule (AWS `PutRule` + `PutTargets`); its queue files keep their messages. */
  async putRule(definition: BusRuleDefinition): Promise<void> {
    this.#assertOpen();
    const { name } = definition;
    if (!RULE_NAME.test(name)) {
      throw new InvalidRuleError(name, 'a rule name is 1–64 characters of letters, digits, ".", "-" and "_"');
    }
    const pattern =
      typeof definition.eventPattern === 'string'
        ? parseEventPattern(definition.eventPattern)
        : compileEventPattern(definition.eventPattern);
    if (definition.webhook !== undefined && !isLoopbackUrl(definition.webhook.url)) {
      throw new InvalidRuleError(
        name,
        `webhook URL ${definition.webhook.url} must be http(s) on a loopback host`,
      );
    }
    const rule: Rule = {
      definition,
      arn: `arn:aws:events:${this.#options.region}:${this.#options.account}:rule/${this.name}/${name}`,
      pattern,
      retry: resolveRetryPolicy(definition.retry, this.#retry),
      queue: await NdjsonQueue.open<EventBridgeEvent>(this.queuePath(name)),
      dlq: await NdjsonQueue.open<BusDeadLetter>(this.deadLetterQueuePath(name)),
    };
    this.#rules.set(name, rule);
  }

  /** Removes a rule; its queue files stay on disk. */
  deleteRule(name: string): boolean {
    return this.#rules.delete(name);
  }

  /** Names of the rules, in creation order. */
  ruleNames(): string[] {
    return [...this.#rules.keys()];
  }

  /** File of a rule's queue (for `endpoints.json`). */
  queuePath(ruleName: string): string {
    return join(this.#options.dataDir, `${ruleName}.ndjson`);
  }

  /** File of a rule's dead-letter queue. */
  deadLetterQueuePath(ruleName: string): string {
    return join(this.#options.dataDir, `${ruleName}.dlq.ndjson`);
  }

  /** The queue that receives every event the rule matched. */
  queue(ruleName: string): NdjsonQueue<EventBridgeEvent> {
    return this.#rule(ruleName).queue;
  }

  /** The rule's dead-letter queue. */
  deadLetterQueue(ruleName: string): NdjsonQueue<BusDeadLetter> {
    return this.#rule(ruleName).dlq;
  }

  /** A snapshot of the counters. */
  stats(): EventBusStats {
    return { ...this.#stats, inFlight: this.#inFlight.size };
  }

  /**
   * Accepts ≤ 10 entries (≤ 256 KiB in total) like EventBridge. Each matched event is in its rules'
   * queues before this resolves; webhook deliveries continue in the background (see `idle`).
   * Throws `PutEventsValidationError` when the call as a whole is invalid.
   */
  async putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
    this.#assertOpen();
    const put = this.#putEvents(entries);
    // Tracked so that close() also waits for calls still writing to their rules' queues.
    this.#track(
      put.then(
        () => undefined,
        () => undefined,
      ),
    );
    return put;
  }

  async #putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
    validatePutEventsRequest(entries);
    this.#stats.putEvents += 1;
    const context = {
      busName: this.name,
      busArn: this.arn,
      account: this.#options.account,
      region: this.#options.region,
    };
    const outcomes = entries.map((entry) =>
      toEventBridgeEvent(entry, { ...context, id: this.#options.newEventId(), now: this.#options.now() }),
    );
    const routes = new Map<Rule, EventBridgeEvent[]>();
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      for (const rule of this.#rules.values()) {
        if (rule.definition.state === 'DISABLED' || !rule.pattern.matches(outcome.event)) continue;
        this.#stats.matched += 1;
        const routed = routes.get(rule) ?? [];
        routed.push(outcome.event);
        routes.set(rule, routed);
      }
    }
    const lost = new Set<string>();
    const startedAt = Date.now();
    await Promise.all(
      [...routes].map(async ([rule, events]) => {
        const stored = await this.#deliver(rule, 'queue', events, startedAt, () => rule.queue.append(events));
        if (!stored) for (const event of events) lost.add(event.id);
      }),
    );
    for (const [rule, events] of routes) {
      const webhook = rule.definition.webhook;
      if (webhook === undefined) continue;
      const kept = events.filter((event) => !lost.has(event.id));
      if (kept.length > 0) this.#track(this.#deliverToWebhook(rule, webhook, kept, startedAt));
    }
    const results: PutEventsResultEntry[] = outcomes.map((outcome) => {
      if (!outcome.ok) return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage };
      if (lost.has(outcome.event.id)) {
        return {
          ErrorCode: 'InternalException',
          ErrorMessage: 'The event could not be stored for its targets.',
        };
      }
      return { EventId: outcome.event.id };
    });
    const failed = results.filter((result) => result.ErrorCode !== undefined).length;
    this.#stats.entriesFailed += failed;
    this.#stats.entriesAccepted += results.length - failed;
    return { FailedEntryCount: failed, Entries: results };
  }

  /** Resolves once every delivery started so far has been delivered or dead-lettered. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Refuses new events and waits for in-flight deliveries (their retries included), so none is lost. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventBusClosedError(`Event bus ${this.name} is closed.`);
  }

  #rule(name: string): Rule {
    const rule = this.#rules.get(name);
    if (rule === undefined) throw new InvalidRuleError(name, 'no such rule');
    return rule;
  }

  #track(delivery: Promise<void>): void {
    this.#inFlight.add(delivery);
    void delivery.finally(() => this.#inFlight.delete(delivery));
  }

  async #deliverToWebhook(
    rule: Rule,
    webhook: WebhookTargetDefinition,
    events: readonly EventBridgeEvent[],
    startedAt: number,
  ): Promise<void> {
    const timeoutMs = webhook.timeoutMs ?? this.#options.webhookTimeoutMs;
    // One event at a time keeps this rule's webhook calls in PutEvents order.
    for (const event of events) {
      await this.#deliver(rule, 'webhook', [event], startedAt, () => postJson(webhook.url, event, timeoutMs));
    }
  }

  /** Delivers with retries; on exhaustion writes dead letters. False only if the dead letters were lost too. */
  async #deliver(
    rule: Rule,
    target: BusDeadLetter['target'],
    events: readonly EventBridgeEvent[],
    startedAt: number,
    attempt: () => Promise<void>,
  ): Promise<boolean> {
    const spans = this.#tracing.enabled ? this.#startDeliverySpans(rule, target, events) : undefined;
    const outcome = await retryWithBackoff(attempt, rule.retry, {
      startedAt,
      random: this.#options.random,
      onRetry: () => {
        this.#stats.retried += 1;
      },
    });
    if (outcome.ok) {
      this.#stats.delivered += events.length;
      if (spans !== undefined) endDeliverySpans(spans, 'delivered', outcome.attempts);
      if (target === 'queue' && this.#consumerTracing.enabled) this.#recordConsumed(rule, events);
      return true;
    }
    const error = outcome.error;
    const letters = events.map(
      (event): BusDeadLetter => ({
        ruleName: rule.definition.name,
        ruleArn: rule.arn,
        target,
        ...(target === 'webhook' && rule.definition.webhook !== undefined
          ? { targetUrl: rule.definition.webhook.url }
          : {}),
        errorCode: errorCode(error),
        errorMessage: error instanceof Error ? error.message : String(error),
        exhaustedRetryCondition: outcome.exhausted,
        retryAttempts: outcome.attempts - 1,
        failedAt: this.#options.now().toISOString(),
        event,
      }),
    );
    const failure = { code: errorCode(error), message: letters[0]?.errorMessage ?? '' };
    try {
      await rule.dlq.append(letters);
      this.#stats.deadLettered += letters.length;
      if (spans !== undefined) endDeliverySpans(spans, 'dead_lettered', outcome.attempts, failure);
      return true;
    } catch {
      this.#stats.deadLetterFailures += letters.length;
      if (spans !== undefined) endDeliverySpans(spans, 'lost', outcome.attempts, failure);
      return false;
    }
  }

  /** One `deliver <rule>` span per event, each continuing its envelope's trace (a new trace without one). */
  #startDeliverySpans(
    rule: Rule,
    target: BusDeadLetter['target'],
    events: readonly EventBridgeEvent[],
  ): Span[] {
    const destination =
      target === 'webhook' ? (rule.definition.webhook?.url ?? 'webhook') : rule.definition.name;
    return events.map((event) => {
      const envelope = envelopeTrace(event.detail.envelope, MessagingSystem.eventBridge);
      return this.#tracing.tracer.startSpan(
        SpanName.deliverToTarget(rule.definition.name),
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            ...(envelope?.attributes ?? { [MessagingAttribute.system]: MessagingSystem.eventBridge }),
            [MessagingAttribute.operationType]: MessagingOperationType.send,
            [MessagingAttribute.operationName]: 'deliver',
            [MessagingAttribute.destinationName]: destination,
            [PipelineAttribute.ruleName]: rule.definition.name,
            [PipelineAttribute.targetId]: target,
          },
        },
        envelope === undefined ? undefined : contextFromTraceFields(envelope.fields),
      );
    });
  }

  /**
   * The example consumer's hop: a rule's queue received these events. Locally the queue file is the consumer's
   * input, so the span is recorded when the message lands (docs/tracing.md, "Example consumer").
   */
  #recordConsumed(rule: Rule, events: readonly EventBridgeEvent[]): void {
    const queue = rule.definition.name;
    for (const event of events) {
      const envelope = envelopeTrace(event.detail.envelope, MessagingSystem.sqs);
      this.#consumerTracing.tracer
        .startSpan(
          SpanName.consumeFromQueue(queue),
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              ...(envelope?.attributes ?? { [MessagingAttribute.system]: MessagingSystem.sqs }),
              [MessagingAttribute.operationType]: MessagingOperationType.process,
              [MessagingAttribute.operationName]: 'process',
              [MessagingAttribute.destinationName]: queue,
            },
          },
          envelope === undefined ? undefined : contextFromTraceFields(envelope.fields),
        )
        .end();
    }
  }
}

/** Ends delivery spans with their outcome; a failed delivery's spans carry the error code and an error status. */
function endDeliverySpans(
  spans: readonly Span[],
  outcome: 'delivered' | 'dead_lettered' | 'lost',
  attempts: number,
  failure?: { readonly code: string; readonly message: string },
): void {
  for (const span of spans) {
    span.setAttribute(PipelineAttribute.deliveryOutcome, outcome);
    span.setAttribute(PipelineAttribute.deliveryAttempts, attempts);
    if (failure !== undefined) {
      span.setAttribute(PipelineAttribute.reason, failure.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
    }
    span.end();
  }
}

function errorCode(error: unknown): string {
  if (error instanceof WebhookDeliveryError) {
    return error.status === undefined ? 'SDK_CLIENT_ERROR' : `HTTP_${error.status}`;
  }
  return (error as NodeJS.ErrnoException)?.code ?? (error as Error)?.name ?? 'Error';
}
