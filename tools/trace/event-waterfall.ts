/**
 * One event's path through the pipeline, built from the spans of the local span store (pure). The span catalogue of
 * docs/tracing.md says which hop writes which span; this finds an event's spans by `messaging.message.id` in their
 * attributes, links (processor batch, archive object, replay) and events (aggregate write, quarantine), adds the
 * ingest request above them and the bus deliveries below, and measures the time at each hop.
 */
import {
  nanosToMillis,
  type SpanAttributes,
  type SpanIndex,
  type StoredSpan,
} from '../../local/traces/span-store-reader.js';
import {
  DecisionEvent,
  MessagingAttribute,
  MessagingSystem,
  PipelineAttribute,
} from '../../processors/tracing/span-catalogue.js';

/** The hops of the pipeline, in the order an event meets them. */
export const HOPS = [
  'ingest',
  'stream',
  'processor',
  'write',
  'archive',
  'bus',
  'deliver',
  'queue',
  'replay',
] as const;

/** One hop of the pipeline. */
export type HopName = (typeof HOPS)[number];

/** One row of the waterfall: a hop, when it started (ms after the event's first span) and how long it took. */
export interface WaterfallRow {
  readonly hop: HopName;
  /** The span's name, or `stream` for the wait between the record's write and the processor's read. */
  readonly label: string;
  readonly startMs: number;
  readonly durationMs: number;
  /** What happened there: the shard, the decision, the object key, the rule and target. */
  readonly detail: string;
}

/** Decisions a processor takes on an event (span events of docs/tracing.md). */
export type DecisionName = (typeof DecisionEvent)[keyof typeof DecisionEvent];

/** One decision of the processor on this event, in time order (buffered, later applied). */
export interface EventDecision {
  readonly decision: DecisionName;
  readonly atMs: number;
  readonly reason: string | undefined;
  /** The quarantine object, for `quarantined`. */
  readonly objectKey: string | undefined;
  /** For `buffered`: the first missing sequence (the gap the event waits behind), when the write told it. */
  readonly missingSequence: number | undefined;
}

/** An event's waterfall. */
export interface EventWaterfall {
  readonly eventId: string;
  readonly aggregateType: string | undefined;
  readonly aggregateId: string | undefined;
  readonly sequence: number | undefined;
  readonly eventType: string | undefined;
  readonly traceId: string | undefined;
  /** Epoch ms of the event's first span (the rows' zero). */
  readonly startedAt: number;
  /** Ms from the first span's start to the last span's end. */
  readonly totalMs: number;
  readonly rows: readonly WaterfallRow[];
  readonly decisions: readonly EventDecision[];
  /** Where the event stopped, when it did: buffered and not applied, quarantined, not yet archived or bridged. */
  readonly stopped: readonly string[];
}

type Role =
  | 'request'
  | 'create'
  | 'send'
  | 'batch'
  | 'write'
  | 'archive'
  | 'publish'
  | 'deliver'
  | 'queue'
  | 'replay'
  | 'other';

/** The role of a span, by the `{operation} {destination}` names of `SpanName` and its kind (pure). */
export function roleOf(span: StoredSpan): Role {
  const operation = span.name.split(' ', 1)[0];
  if (span.kind === 'server') return 'request';
  switch (operation) {
    case 'create':
      return 'create';
    case 'send':
      return 'send';
    case 'write':
      return 'write';
    case 'archive':
      return 'archive';
    case 'publish':
      return 'publish';
    case 'deliver':
      return 'deliver';
    case 'replay':
      return 'replay';
    case 'process':
      // The processor's batch reads Kinesis and links its records; the example consumer reads a queue.
      return span.attributes[MessagingAttribute.system] === MessagingSystem.sqs ||
        (span.links.length === 0 && span.parentSpanId !== undefined)
        ? 'queue'
        : 'batch';
    default:
      return 'other';
  }
}

const startMs = (span: StoredSpan) => nanosToMillis(span.startTimeUnixNano);
const endMs = (span: StoredSpan) => nanosToMillis(span.endTimeUnixNano);
const str = (attributes: SpanAttributes, key: string) =>
  typeof attributes[key] === 'string' ? (attributes[key] as string) : undefined;
const num = (attributes: SpanAttributes, key: string) =>
  typeof attributes[key] === 'number' ? (attributes[key] as number) : undefined;
const DECISIONS = new Set<string>(Object.values(DecisionEvent));
/**
 * How a local bus delivery ended (`delivered`, `dead_lettered`, `lost`): the local bus's key, which helper 15c adds to
 * the catalogue as `PipelineAttribute.deliveryOutcome` (docs/tracing.md, "Bus rule to target").
 */
const DELIVERY_OUTCOME = PipelineAttribute.deliveryOutcome;

const carries = (attributes: SpanAttributes, eventId: string) =>
  attributes[MessagingAttribute.messageId] === eventId;

/** The spans of one event: those carrying its id, the ingest request above its record, the deliveries below (pure). */
export function spansOfEvent(index: SpanIndex, eventId: string): StoredSpan[] {
  const found = new Map<string, StoredSpan>();
  for (const span of index.spansOfEvent(eventId)) found.set(span.spanId, span);
  for (const span of [...found.values()]) {
    const role = roleOf(span);
    if (role === 'create') {
      // The request is the record's parent, or its link when the envelope came with its own traceparent.
      for (const id of [span.parentSpanId, ...span.links.map((link) => link.spanId)]) {
        const request = index.span(id);
        if (request !== undefined && roleOf(request) === 'request') found.set(request.spanId, request);
      }
    }
    if (role === 'write') {
      const parent = index.span(span.parentSpanId);
      if (parent !== undefined && roleOf(parent) === 'batch') found.set(parent.spanId, parent);
    }
    if (role === 'publish' || role === 'create')
      for (const child of index.childrenOf(span.spanId)) {
        const childRole = roleOf(child);
        if (childRole === 'deliver' || childRole === 'queue') found.set(child.spanId, child);
      }
  }
  return [...found.values()].sort((a, b) => startMs(a) - startMs(b));
}

/** Builds the waterfall of one event from the index; undefined when no span carries the event (pure). */
export function buildEventWaterfall(index: SpanIndex, eventId: string): EventWaterfall | undefined {
  const spans = spansOfEvent(index, eventId);
  if (spans.length === 0) return undefined;
  const ref = index.event(eventId);
  const t0 = Math.min(...spans.map(startMs));
  const rel = (ms: number) => ms - t0;
  const rows: WaterfallRow[] = [];
  const decisions: EventDecision[] = [];
  const byRole = (role: Role) => spans.filter((span) => roleOf(span) === role);
  let eventType: string | undefined;
  for (const span of spans)
    for (const link of span.links)
      if (carries(link.attributes, eventId)) eventType ??= str(link.attributes, PipelineAttribute.eventType);
  for (const span of spans)
    if (carries(span.attributes, eventId)) eventType ??= str(span.attributes, PipelineAttribute.eventType);

  const row = (hop: HopName, span: StoredSpan, detail: string) =>
    rows.push({
      hop,
      label: span.name,
      startMs: rel(startMs(span)),
      durationMs: endMs(span) - startMs(span),
      detail,
    });

  const create = byRole('create')[0];
  const request = byRole('request')[0];
  if (request !== undefined) {
    const status = request.attributes['http.response.status_code'];
    row('ingest', request, `${request.serviceName}${status === undefined ? '' : `, HTTP ${String(status)}`}`);
  }
  if (create !== undefined) {
    const shard = str(create.attributes, PipelineAttribute.shardId);
    row('ingest', create, shard === undefined ? 'record created' : `record on ${shard}`);
  }
  const batches = byRole('batch');
  const firstRead = batches.find((span) => span.links.some((link) => carries(link.attributes, eventId)));
  if (create !== undefined && firstRead !== undefined) {
    const shard = str(create.attributes, PipelineAttribute.shardId);
    const sequenceNumber = str(create.attributes, PipelineAttribute.kinesisSequenceNumber);
    rows.push({
      hop: 'stream',
      label: 'stream',
      startMs: rel(endMs(create)),
      durationMs: startMs(firstRead) - endMs(create),
      detail:
        [shard, sequenceNumber === undefined ? undefined : `seq ${sequenceNumber}`]
          .filter((part) => part !== undefined)
          .join(' ') || 'in the stream',
    });
  }
  for (const batch of batches) {
    const count = num(batch.attributes, MessagingAttribute.batchMessageCount);
    row('processor', batch, `${batch.serviceName}${count === undefined ? '' : `, batch of ${count}`}`);
    // Quarantine, and any decision on an aggregate that had nothing to write, is an event of the batch span.
    for (const event of batch.events)
      if (DECISIONS.has(event.name) && carries(event.attributes, eventId))
        decisions.push(
          decisionOf(event.name, rel(nanosToMillis(event.timeUnixNano)), event.attributes, undefined),
        );
  }
  for (const write of byRole('write')) {
    const mine = write.events.filter(
      (event) => DECISIONS.has(event.name) && carries(event.attributes, eventId),
    );
    const before = num(write.attributes, PipelineAttribute.versionBefore);
    const after = num(write.attributes, PipelineAttribute.versionAfter);
    for (const event of mine)
      decisions.push(decisionOf(event.name, rel(nanosToMillis(event.timeUnixNano)), event.attributes, after));
    const versions = before === undefined || after === undefined ? '' : `, version ${before} → ${after}`;
    row('write', write, `${mine.map((event) => event.name).join(', ') || 'written'}${versions}`);
  }
  for (const archive of byRole('archive'))
    row('archive', archive, str(archive.attributes, PipelineAttribute.objectKey) ?? 'archived');
  for (const publish of byRole('publish')) row('bus', publish, publish.serviceName);
  for (const deliver of byRole('deliver')) {
    const rule = str(deliver.attributes, PipelineAttribute.ruleName);
    const target = str(deliver.attributes, PipelineAttribute.targetId);
    const outcome = str(deliver.attributes, DELIVERY_OUTCOME);
    const route = [rule, target].filter((part) => part !== undefined).join(' → ') || 'delivered';
    row('deliver', deliver, outcome === undefined ? route : `${route}: ${outcome.replace('_', '-')}`);
  }
  for (const queue of byRole('queue')) row('queue', queue, queue.serviceName);
  for (const replay of byRole('replay'))
    row('replay', replay, `run ${str(replay.attributes, PipelineAttribute.replayRun) ?? '?'}`);

  rows.sort((a, b) => a.startMs - b.startMs || HOPS.indexOf(a.hop) - HOPS.indexOf(b.hop));
  decisions.sort((a, b) => a.atMs - b.atMs);
  const totalMs = Math.max(...spans.map(endMs)) - t0;
  return {
    eventId,
    aggregateType: ref?.aggregateType,
    aggregateId: ref?.aggregateId,
    sequence: ref?.sequence,
    eventType,
    traceId: (create ?? request ?? spans[0])?.traceId,
    startedAt: t0,
    totalMs,
    rows,
    decisions,
    stopped: whereStopped(rows, decisions, create !== undefined || request !== undefined),
  };
}

function decisionOf(
  name: string,
  atMs: number,
  attributes: SpanAttributes,
  versionAfter: number | undefined,
): EventDecision {
  const sequence = num(attributes, PipelineAttribute.sequence);
  return {
    decision: name as DecisionName,
    atMs,
    reason: str(attributes, PipelineAttribute.reason),
    objectKey: str(attributes, PipelineAttribute.objectKey),
    // The write left the aggregate at `versionAfter`: the gap starts right after it, before this event's sequence.
    missingSequence:
      name === DecisionEvent.buffered &&
      versionAfter !== undefined &&
      (sequence ?? Number.MAX_SAFE_INTEGER) > versionAfter + 1
        ? versionAfter + 1
        : undefined,
  };
}

/**
 * The decision that stands: the last one in time (a buffered event is later applied), a redelivery found a
 * duplicate aside (the event stays applied).
 */
export function finalDecision(waterfall: EventWaterfall): EventDecision | undefined {
  return standing(waterfall.decisions);
}

function standing(decisions: readonly EventDecision[]): EventDecision | undefined {
  return decisions.findLast((decision) => decision.decision !== DecisionEvent.duplicate) ?? decisions.at(-1);
}

/** A decision in words (pure). */
export function describeDecision(decision: EventDecision): string {
  switch (decision.decision) {
    case DecisionEvent.buffered:
      return decision.missingSequence === undefined
        ? `buffered behind a gap${decision.reason === undefined ? '' : ` (${decision.reason})`}`
        : `buffered behind a gap: waiting for sequence ${decision.missingSequence}`;
    case DecisionEvent.quarantined:
      return `quarantined: ${decision.reason ?? 'no reason recorded'}${decision.objectKey === undefined ? '' : ` (${decision.objectKey})`}`;
    case DecisionEvent.rejected:
      return `rejected: ${decision.reason ?? 'no reason recorded'}`;
    case DecisionEvent.conflict:
      return `conflict: another event holds this sequence${decision.reason === undefined ? '' : ` (${decision.reason})`}`;
    case DecisionEvent.duplicate:
      return 'duplicate: already applied, not applied again';
    case DecisionEvent.retried:
      return `retried: the write failed, Lambda redelivers${decision.reason === undefined ? '' : ` (${decision.reason})`}`;
    default:
      return decision.decision;
  }
}

function whereStopped(
  rows: readonly WaterfallRow[],
  decisions: readonly EventDecision[],
  ingested: boolean,
): string[] {
  const stopped: string[] = [];
  const last = standing(decisions);
  const has = (hop: HopName) => rows.some((row) => row.hop === hop);
  if (last === undefined) {
    if (ingested && !has('processor')) stopped.push('not yet read by the processor (still in the stream)');
    else if (has('processor')) stopped.push('read by the processor, no decision recorded');
  } else if (
    last.decision === DecisionEvent.buffered ||
    last.decision === DecisionEvent.quarantined ||
    last.decision === DecisionEvent.rejected ||
    last.decision === DecisionEvent.conflict ||
    last.decision === DecisionEvent.retried
  ) {
    stopped.push(describeDecision(last));
  }
  if (ingested && !has('archive')) stopped.push('not archived yet');
  if (ingested && !has('bus')) stopped.push('not on the bus yet');
  for (const row of rows)
    if (row.hop === 'deliver' && /: (dead-lettered|lost)$/.test(row.detail))
      stopped.push(`bus delivery ${row.detail}`);
  return stopped;
}
