/**
 * Checks a body sent to the local OTLP/HTTP receiver: an `ExportTraceServiceRequest` in OTLP JSON
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). Only what the span store and `npm run trace`
 * rely on is checked: the nesting, and each span's ids and name; a span without them is rejected on its own
 * (`partialSuccess`, https://opentelemetry.io/docs/specs/otlp/#partial-success-1).
 */

/** An OTLP JSON `ExportTraceServiceRequest` as parsed (fields beyond the nesting are kept as sent). */
export interface OtlpTraceRequest {
  readonly resourceSpans: readonly Record<string, unknown>[];
}

/** A checked request: the spans kept, how many were rejected and why (the first reason), or why none could be read. */
export type CheckedOtlpTraceRequest =
  | {
      readonly ok: true;
      readonly request: OtlpTraceRequest;
      readonly acceptedSpans: number;
      readonly rejectedSpans: number;
      readonly rejection: string | undefined;
    }
  | { readonly ok: false; readonly message: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Case-insensitive hex (the OTLP JSON mapping); all zeros is an invalid id (W3C trace context).
const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
const validId = (value: unknown, pattern: RegExp): boolean =>
  typeof value === 'string' && pattern.test(value) && !/^0+$/.test(value);

/** Why a span cannot be stored, or undefined when it can (pure). */
function spanProblem(span: unknown): string | undefined {
  if (!isObject(span)) return 'a span must be a JSON object';
  if (!validId(span.traceId, TRACE_ID)) return 'traceId must be 32 hex digits, not all zero';
  if (!validId(span.spanId, SPAN_ID)) return 'spanId must be 16 hex digits, not all zero';
  const parent = span.parentSpanId;
  if (parent !== undefined && parent !== '' && !validId(parent, SPAN_ID))
    return 'parentSpanId must be 16 hex digits or empty';
  if (typeof span.name !== 'string') return 'name must be a string';
  return undefined;
}

/**
 * The span with its ids (and its links' ids) in lowercase hex: OTLP JSON allows either case, and the trace view and
 * every span the stack writes itself compare them as lowercase strings (W3C trace context's form).
 */
function withLowercaseIds(span: Json): Json {
  const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
  const links = Array.isArray(span.links)
    ? span.links.map((link: unknown) =>
        isObject(link) ? { ...link, traceId: lower(link.traceId), spanId: lower(link.spanId) } : link,
      )
    : span.links;
  return {
    ...span,
    traceId: lower(span.traceId),
    spanId: lower(span.spanId),
    ...(span.parentSpanId === undefined ? {} : { parentSpanId: lower(span.parentSpanId) }),
    ...(links === undefined ? {} : { links }),
  };
}

/** An optional repeated field: absent is empty; anything but a list of objects is a malformed request. */
function listOf(value: unknown, field: string): Json[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) return `${field} must be a list of objects`;
  return value;
}

/** Parses and checks a request body (pure): malformed nesting fails the whole request, a bad span only itself. */
export function checkOtlpTraceRequest(body: string): CheckedOtlpTraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, message: 'the body is not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, message: 'the body must be a JSON object' };
  const resources = listOf(parsed.resourceSpans, 'resourceSpans');
  if (typeof resources === 'string') return { ok: false, message: resources };
  let accepted = 0;
  let rejected = 0;
  let rejection: string | undefined;
  const resourceSpans: Json[] = [];
  for (const [r, resource] of resources.entries()) {
    const scopes = listOf(resource.scopeSpans, `resourceSpans[${r}].scopeSpans`);
    if (typeof scopes === 'string') return { ok: false, message: scopes };
    const scopeSpans: Json[] = [];
    for (const [s, scope] of scopes.entries()) {
      const spans = scope.spans;
      if (spans !== undefined && spans !== null && !Array.isArray(spans))
        return { ok: false, message: `resourceSpans[${r}].scopeSpans[${s}].spans must be a list` };
      const kept: unknown[] = [];
      for (const span of spans ?? []) {
        const problem = spanProblem(span);
        if (problem === undefined) kept.push(withLowercaseIds(span as Json));
        else {
          rejected += 1;
          rejection ??= problem;
        }
      }
      accepted += kept.length;
      if (kept.length > 0) scopeSpans.push({ ...scope, spans: kept });
    }
    if (scopeSpans.length > 0) resourceSpans.push({ ...resource, scopeSpans });
  }
  return {
    ok: true,
    request: { resourceSpans },
    acceptedSpans: accepted,
    rejectedSpans: rejected,
    rejection,
  };
}

/** The request cut into requests of about half the spans each (pure): for a line that would not fit a span file. */
export function halveOtlpTraceRequest(request: OtlpTraceRequest): [OtlpTraceRequest, OtlpTraceRequest] {
  const spans: { resource: Json; scope: Json; span: unknown }[] = [];
  for (const resource of request.resourceSpans)
    for (const scope of (resource.scopeSpans as Json[] | undefined) ?? [])
      for (const span of (scope.spans as unknown[] | undefined) ?? []) spans.push({ resource, scope, span });
  const half = Math.ceil(spans.length / 2);
  return [regroup(spans.slice(0, half)), regroup(spans.slice(half))];
}

/** Spans back under their (same object) resource and scope, in order. */
function regroup(spans: readonly { resource: Json; scope: Json; span: unknown }[]): OtlpTraceRequest {
  const resources = new Map<Json, Map<Json, unknown[]>>();
  for (const { resource, scope, span } of spans) {
    const scopes = resources.get(resource) ?? new Map<Json, unknown[]>();
    resources.set(resource, scopes);
    const list = scopes.get(scope) ?? [];
    scopes.set(scope, list);
    list.push(span);
  }
  return {
    resourceSpans: [...resources].map(([resource, scopes]) => ({
      ...resource,
      scopeSpans: [...scopes].map(([scope, list]) => ({ ...scope, spans: list })),
    })),
  };
}

/** Spans in a checked request (pure). */
export function otlpTraceRequestSpanCount(request: OtlpTraceRequest): number {
  let count = 0;
  for (const resource of request.resourceSpans)
    for (const scope of (resource.scopeSpans as Json[] | undefined) ?? [])
      count += ((scope.spans as unknown[] | undefined) ?? []).length;
  return count;
}
