import { InvalidInputTemplateError, InvalidJsonPathError } from './errors.js';
import { evaluateJsonPath, type JsonPathStep, parseJsonPath } from './json-path.js';

/** Values of the reserved variables (`<aws.pipes.pipe-arn>`, …). */
export interface PipeTemplateContext {
  readonly pipeArn: string;
  readonly pipeName: string;
  readonly sourceArn: string;
  readonly enrichmentArn: string;
  readonly targetArn: string;
  /** `<aws.pipes.event.ingestion-time>`, rendered as ISO 8601. */
  readonly ingestionTime: Date;
}

/** A parsed template, rendered once per event. */
export interface CompiledInputTemplate {
  readonly template: string;
  /** True when every rendering is JSON text (the template is JSON with placeholders as values). */
  readonly rendersJson: boolean;
  /** True when every rendering is a JSON object (what an event bus target needs for `Detail`). */
  readonly rendersObject: boolean;
  /** Renders the template against `event` (the Pipe event, `data` already parsed when it is JSON). */
  render(event: unknown, context?: Partial<PipeTemplateContext>): string;
}

const RESERVED = [
  'aws.pipes.pipe-arn',
  'aws.pipes.pipe-name',
  'aws.pipes.source-arn',
  'aws.pipes.enrichment-arn',
  'aws.pipes.target-arn',
  'aws.pipes.event.ingestion-time',
  'aws.pipes.event',
  'aws.pipes.event.json',
] as const;
type Reserved = (typeof RESERVED)[number];

type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'path'; readonly steps: readonly JsonPathStep[]; readonly inString: boolean }
  | { readonly kind: 'reserved'; readonly name: Reserved; readonly inString: boolean };

const DEFAULT_CONTEXT: Omit<PipeTemplateContext, 'ingestionTime'> = {
  pipeArn: '',
  pipeName: '',
  sourceArn: '',
  enrichmentArn: '',
  targetArn: '',
};

/**
 * Parses a Pipes `InputTemplate`: free text or JSON with `<$.json.path>` and reserved-variable placeholders.
 * A placeholder used as a JSON value renders as JSON (strings quoted, objects whole; `null` when the path
 * finds nothing); inside a JSON string it renders unquoted and escaped (`""` when missing).
 * Throws `InvalidInputTemplateError` with the character position of an unclosed placeholder, a bad path,
 * or an unknown reserved variable.
 *
 * @example
 * compileInputTemplate('{"envelope": <$.data>}').render({ data: { eventId: 'e1' } }); // '{"envelope": {"eventId":"e1"}}'
 */
export function compileInputTemplate(template: string): CompiledInputTemplate {
  const segments = parseSegments(template);
  const probe = segments.map((s) => (s.kind === 'text' ? s.text : s.inString ? '' : 'null')).join('');
  let parsed: unknown;
  let rendersJson = true;
  try {
    parsed = JSON.parse(probe);
  } catch {
    rendersJson = false;
  }
  const rendersObject =
    rendersJson && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  return {
    template,
    rendersJson,
    rendersObject,
    render(event, context) {
      const values = { ...DEFAULT_CONTEXT, ingestionTime: new Date(), ...context };
      return segments.map((segment) => renderSegment(segment, event, values)).join('');
    },
  };
}

/** Renders `template` against one Pipe event (see `compileInputTemplate`). */
export function renderInputTemplate(
  template: string,
  event: unknown,
  context?: Partial<PipeTemplateContext>,
): string {
  return compileInputTemplate(template).render(event, context);
}

function parseSegments(template: string): Segment[] {
  const segments: Segment[] = [];
  let text = '';
  let inString = false;
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i] as string;
    const placeholder = char === '<' && (template[i + 1] === '$' || template.startsWith('aws.pipes.', i + 1));
    if (!placeholder) {
      if (inString && char === '\\') {
        text += char + (template[i + 1] ?? '');
        i += 1;
        continue;
      }
      if (char === '"') inString = !inString;
      text += char;
      continue;
    }
    const end = template.indexOf('>', i);
    if (end === -1) throw new InvalidInputTemplateError(i, 'a placeholder "<" is never closed with ">"');
    const inner = template.slice(i + 1, end);
    if (text !== '') segments.push({ kind: 'text', text });
    text = '';
    segments.push(parsePlaceholder(inner, i, inString));
    i = end;
  }
  if (text !== '') segments.push({ kind: 'text', text });
  return segments;
}

function parsePlaceholder(inner: string, position: number, inString: boolean): Segment {
  if (inner.startsWith('$')) {
    try {
      return { kind: 'path', steps: parseJsonPath(inner), inString };
    } catch (error) {
      if (error instanceof InvalidJsonPathError) {
        throw new InvalidInputTemplateError(position, error.message, { cause: error });
      }
      throw error;
    }
  }
  const name = RESERVED.find((candidate) => candidate === inner);
  if (name === undefined) {
    throw new InvalidInputTemplateError(position, `unknown reserved variable <${inner}>`);
  }
  if (name === 'aws.pipes.event.json' && inString) {
    throw new InvalidInputTemplateError(
      position,
      '<aws.pipes.event.json> can only be a JSON value, not inside a string',
    );
  }
  return { kind: 'reserved', name, inString };
}

function renderSegment(segment: Segment, event: unknown, context: PipeTemplateContext): string {
  if (segment.kind === 'text') return segment.text;
  const value =
    segment.kind === 'path'
      ? evaluateJsonPath(segment.steps, event)
      : reservedValue(segment.name, event, context);
  if (segment.inString) {
    if (value === undefined) return '';
    return JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function reservedValue(name: Reserved, event: unknown, context: PipeTemplateContext): unknown {
  switch (name) {
    case 'aws.pipes.pipe-arn':
      return context.pipeArn;
    case 'aws.pipes.pipe-name':
      return context.pipeName;
    case 'aws.pipes.source-arn':
      return context.sourceArn;
    case 'aws.pipes.enrichment-arn':
      return context.enrichmentArn;
    case 'aws.pipes.target-arn':
      return context.targetArn;
    case 'aws.pipes.event.ingestion-time':
      return context.ingestionTime.toISOString();
    case 'aws.pipes.event':
      // The event as escaped JSON text; `aws.pipes.event.json` is the unescaped object.
      return JSON.stringify(event);
    case 'aws.pipes.event.json':
      return event;
    default: {
      const unreachable: never = name;
      return unreachable;
    }
  }
}
