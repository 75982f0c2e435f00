/**
 * Reads the local span store (docs/tracing.md, "Local span store"): `<dataDir>/traces/spans-<n>.jsonl`, one OTLP JSON
 * `ExportTraceServiceRequest` per line (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding), into flat
 * typed spans. Files are streamed line by line (up to 16 MiB × 8), and only the spans a caller asks for are kept.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MessagingAttribute, PipelineAttribute } from '../../processors/tracing/span-catalogue.js';
import { SPAN_STORE_FOLDER, spanFileNumber } from './otlp-json-file-exporter.js';

export { SPAN_STORE_FOLDER } from './otlp-json-file-exporter.js';

/** An attribute value decoded from an OTLP `AnyValue`. */
export type SpanAttributeValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | readonly SpanAttributeValue[]
  | { readonly [key: string]: SpanAttributeValue };

/** Attributes by key. */
export type SpanAttributes = Readonly<Record<string, SpanAttributeValue>>;

/** OTLP span kinds by name (the enum of the OTLP trace proto). */
export type StoredSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

const KINDS: readonly StoredSpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

/** A span event (a processor decision, a quarantine). */
export interface StoredSpanEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: SpanAttributes;
}

/** A link to another span's context, with its attributes (the processor batch links every record). */
export interface StoredSpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: SpanAttributes;
}

/** One span as the store recorded it, flattened out of its resource and scope. */
export interface StoredSpan {
  /** `service.name` of the span's resource. */
  readonly serviceName: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: StoredSpanKind;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: SpanAttributes;
  readonly events: readonly StoredSpanEvent[];
  readonly links: readonly StoredSpanLink[];
  readonly status: { readonly code: 'unset' | 'ok' | 'error'; readonly message: string | undefined };
}

/** Nanoseconds since the epoch as milliseconds (pure). */
export function nanosToMillis(nanos: bigint): number {
  return Number(nanos / 1000n) / 1000;
}

/** The paths of the store's files, oldest first; empty when there is no store. */
export async function spanStoreFiles(dataDir: string): Promise<string[]> {
  const folder = join(dataDir, SPAN_STORE_FOLDER);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, n: spanFileNumber(name) }))
    .filter((file): file is { name: string; n: number } => file.n !== undefined)
    .sort((a, b) => a.n - b.n)
    .map((file) => join(folder, file.name));
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Decodes an OTLP JSON `AnyValue` (pure); int64 may come as a string, bytes as base64. */
export function decodeAnyValue(value: unknown): SpanAttributeValue {
  const v = asObject(value);
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(String(v.bytesValue), 'base64'));
  if ('arrayValue' in v) return asArray(asObject(v.arrayValue).values).map(decodeAnyValue);
  if ('kvlistValue' in v) return decodeAttributes(asObject(v.kvlistValue).values);
  return null;
}

/** Decodes an OTLP `KeyValue` list (pure). */
export function decodeAttributes(list: unknown): SpanAttributes {
  const out: Record<string, SpanAttributeValue> = {};
  for (const entry of asArray(list)) {
    const kv = asObject(entry);
    if (typeof kv.key === 'string') out[kv.key] = decodeAnyValue(kv.value);
  }
  return out;
}

const nanos = (value: unknown): bigint => {
  try {
    return BigInt(typeof value === 'number' ? Math.round(value) : String(value ?? '0'));
  } catch {
    return 0n;
  }
};

const optionalId = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' && !/^0+$/.test(value) ? value : undefined;

/** OTLP JSON encodes enums as integers; a writer using protobuf's JSON mapping names them (`SPAN_KIND_SERVER`). */
function kindOf(value: unknown): StoredSpanKind {
  if (typeof value === 'string' && value.startsWith('SPAN_KIND_')) {
    const name = value.slice('SPAN_KIND_'.length).toLowerCase();
    return KINDS.find((kind) => kind === name) ?? 'unspecified';
  }
  return KINDS[Number(value ?? 0)] ?? 'unspecified';
}

/** The spans of one `ExportTraceServiceRequest` (pure). */
export function spansOfExportRequest(request: unknown): StoredSpan[] {
  const spans: StoredSpan[] = [];
  for (const resourceSpans of asArray(asObject(request).resourceSpans)) {
    const rs = asObject(resourceSpans);
    const serviceName = decodeAttributes(asObject(rs.resource).attributes)['service.name'];
    for (const scopeSpans of asArray(rs.scopeSpans)) {
      for (const raw of asArray(asObject(scopeSpans).spans)) {
        const s = asObject(raw);
        const status = asObject(s.status);
        const code = Number(status.code ?? 0);
        spans.push({
          serviceName: typeof serviceName === 'string' ? serviceName : 'unknown',
          traceId: String(s.traceId ?? ''),
          spanId: String(s.spanId ?? ''),
          parentSpanId: optionalId(s.parentSpanId),
          name: String(s.name ?? ''),
          kind: kindOf(s.kind),
          startTimeUnixNano: nanos(s.startTimeUnixNano),
          endTimeUnixNano: nanos(s.endTimeUnixNano),
          attributes: decodeAttributes(s.attributes),
          events: asArray(s.events).map((e) => {
            const event = asObject(e);
            return {
              name: String(event.name ?? ''),
              timeUnixNano: nanos(event.timeUnixNano),
              attributes: decodeAttributes(event.attributes),
            };
          }),
          links: asArray(s.links).map((l) => {
            const link = asObject(l);
            return {
              traceId: String(link.traceId ?? ''),
              spanId: String(link.spanId ?? ''),
              attributes: decodeAttributes(link.attributes),
            };
          }),
          status: {
            code: code === 1 ? 'ok' : code === 2 ? 'error' : 'unset',
            message: typeof status.message === 'string' && status.message !== '' ? status.message : undefined,
          },
        });
      }
    }
  }
  return spans;
}

/** What a read of the store saw besides the spans. */
export interface SpanStoreReadStats {
  readonly files: number;
  readonly lines: number;
  /** Lines that were not JSON: a torn last line (the exporter was writing it) or a damaged one. */
  readonly unreadableLines: number;
}

/**
 * Streams every span of the store to `onSpan`, file by file, oldest first; lines that don't parse (the last line of
 * a file being written) are counted and skipped.
 */
export async function forEachStoredSpan(
  files: readonly string[],
  onSpan: (span: StoredSpan) => void,
): Promise<SpanStoreReadStats> {
  let lines = 0;
  let unreadableLines = 0;
  for (const file of files) {
    const input = createReadStream(file, { encoding: 'utf8' });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of reader) {
        if (line.trim() === '') continue;
        lines += 1;
        let request: unknown;
        try {
          request = JSON.parse(line);
        } catch {
          unreadableLines += 1;
          continue;
        }
        for (const span of spansOfExportRequest(request)) onSpan(span);
      }
    } catch (error) {
      // Rotation removed the file while we read it: what was read stands.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    } finally {
      reader.close();
      input.destroy();
    }
  }
  return { files: files.length, lines, unreadableLines };
}

/** Every attribute set a span carries: its own, each link's and each event's. */
export function* attributeCarriers(span: StoredSpan): Generator<SpanAttributes> {
  yield span.attributes;
  for (const link of span.links) yield link.attributes;
  for (const event of span.events) yield event.attributes;
}

const MESSAGE_ID = MessagingAttribute.messageId;
const AGGREGATE_TYPE = PipelineAttribute.aggregateType;
const AGGREGATE_ID = PipelineAttribute.aggregateId;
const SEQUENCE = PipelineAttribute.sequence;

/** An event the store knows of, found by its `messaging.message.id`. */
export interface StoredEventRef {
  readonly eventId: string;
  readonly aggregateType: string | undefined;
  readonly aggregateId: string | undefined;
  readonly sequence: number | undefined;
}

/** Spans held in memory with indexes by event (`messaging.message.id`), by aggregate and by span id. */
export class SpanIndex {
  readonly spans: readonly StoredSpan[];
  readonly #byMessageId = new Map<string, StoredSpan[]>();
  readonly #events = new Map<string, StoredEventRef>();
  readonly #byAggregate = new Map<string, Set<string>>();
  readonly #bySpanId = new Map<string, StoredSpan>();
  readonly #children = new Map<string, StoredSpan[]>();

  constructor(spans: readonly StoredSpan[]) {
    this.spans = spans;
    for (const span of spans) {
      this.#bySpanId.set(span.spanId, span);
      if (span.parentSpanId !== undefined) {
        const siblings = this.#children.get(span.parentSpanId) ?? [];
        siblings.push(span);
        this.#children.set(span.parentSpanId, siblings);
      }
      const seen = new Set<string>();
      for (const attributes of attributeCarriers(span)) {
        const id = attributes[MESSAGE_ID];
        if (typeof id !== 'string') continue;
        if (!seen.has(id)) {
          seen.add(id);
          const list = this.#byMessageId.get(id) ?? [];
          list.push(span);
          this.#byMessageId.set(id, list);
        }
        this.#noteEvent(id, attributes);
      }
    }
    for (const event of this.#events.values()) {
      if (event.aggregateType === undefined || event.aggregateId === undefined) continue;
      const key = aggregateKey(event.aggregateType, event.aggregateId);
      const ids = this.#byAggregate.get(key) ?? new Set<string>();
      ids.add(event.eventId);
      this.#byAggregate.set(key, ids);
    }
  }

  #noteEvent(eventId: string, attributes: SpanAttributes): void {
    const known = this.#events.get(eventId);
    const str = (key: string) =>
      typeof attributes[key] === 'string' ? (attributes[key] as string) : undefined;
    const num = (key: string) =>
      typeof attributes[key] === 'number' ? (attributes[key] as number) : undefined;
    this.#events.set(eventId, {
      eventId,
      aggregateType: known?.aggregateType ?? str(AGGREGATE_TYPE),
      aggregateId: known?.aggregateId ?? str(AGGREGATE_ID),
      sequence: known?.sequence ?? num(SEQUENCE),
    });
  }

  /** Spans whose attributes, links or events carry this `messaging.message.id`. */
  spansOfEvent(eventId: string): readonly StoredSpan[] {
    return this.#byMessageId.get(eventId) ?? [];
  }

  /** The event's aggregate and sequence, as its spans tell them; undefined when no span carries it. */
  event(eventId: string): StoredEventRef | undefined {
    return this.#events.get(eventId);
  }

  /** Every event id the index holds. */
  eventIds(): IterableIterator<string> {
    return this.#events.keys();
  }

  /** The events of one aggregate, by sequence (unknown sequences last). */
  eventsOfAggregate(aggregateType: string, aggregateId: string): StoredEventRef[] {
    const ids = this.#byAggregate.get(aggregateKey(aggregateType, aggregateId)) ?? new Set<string>();
    return [...ids]
      .map((id) => this.#events.get(id) as StoredEventRef)
      .sort((a, b) => (a.sequence ?? Number.MAX_SAFE_INTEGER) - (b.sequence ?? Number.MAX_SAFE_INTEGER));
  }

  /** The span with this id, if the index holds it. */
  span(spanId: string | undefined): StoredSpan | undefined {
    return spanId === undefined ? undefined : this.#bySpanId.get(spanId);
  }

  /** The spans whose parent is this span. */
  childrenOf(spanId: string): readonly StoredSpan[] {
    return this.#children.get(spanId) ?? [];
  }
}

const aggregateKey = (type: string, id: string) => `${type}\u0000${id}`;

/** Which spans a read keeps: those for which a carried attribute set (own, link or event) matches. */
export type SpanCarrierFilter = (attributes: SpanAttributes) => boolean;

/** The result of {@link readSpanStore}. */
export interface SpanStoreRead {
  readonly index: SpanIndex;
  readonly stats: SpanStoreReadStats;
}

/**
 * Reads the store of `dataDir` keeping the spans that match `filter` (in their attributes, links or events) plus their
 * parents, the spans their event-less links point to, and their children, in two streaming passes; undefined when the
 * store has no file.
 * @example const read = await readSpanStore('.local', (a) => a['messaging.message.id'] === eventId);
 */
export async function readSpanStore(
  dataDir: string,
  filter: SpanCarrierFilter,
): Promise<SpanStoreRead | undefined> {
  const files = await spanStoreFiles(dataDir);
  if (files.length === 0) return undefined;
  const kept = new Map<string, StoredSpan>();
  const wantedParents = new Set<string>();
  const stats = await forEachStoredSpan(files, (span) => {
    for (const attributes of attributeCarriers(span)) {
      if (!filter(attributes)) continue;
      kept.set(span.spanId, span);
      if (span.parentSpanId !== undefined) wantedParents.add(span.parentSpanId);
      // A link that names no event points up (a record's link to the ingest request), not to other events' records.
      for (const link of span.links)
        if (link.attributes[MESSAGE_ID] === undefined) wantedParents.add(link.spanId);
      return;
    }
  });
  const matched = new Set(kept.keys());
  await forEachStoredSpan(files, (span) => {
    if (kept.has(span.spanId)) return;
    if (wantedParents.has(span.spanId) || (span.parentSpanId !== undefined && matched.has(span.parentSpanId)))
      kept.set(span.spanId, span);
  });
  return { index: new SpanIndex([...kept.values()]), stats };
}
