import { InvalidEventPatternError } from './errors.js';
import {
  compileLeafCondition,
  isPlainObject,
  type LeafCondition,
  type LeafValue,
  type WildcardExpression,
  wildcardComplexity,
} from './pattern-operators.js';

/**
 * PutRule's default event pattern size quota, in characters (adjustable to 4,096):
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 */
export const PUT_RULE_PATTERN_MAX_LENGTH = 2048;

/**
 * Highest wildcard complexity accepted in one pattern. AWS does not publish its threshold; this is the
 * per-rule limit event-ruler's README gives as its example of "strategy #2"
 * (https://github.com/aws/event-ruler#matching-with-a-machine), enough for ordinary repeated segments.
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/** Ruler's reserved names, refused as field names inside `$or` (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
]);

/** How a pattern is checked. */
export interface EventPatternOptions {
  /** Longest pattern JSON text accepted, in characters. Default `PUT_RULE_PATTERN_MAX_LENGTH`. */
  readonly maxLength?: number;
}

/**
 * An EventBridge event pattern as written by users: field names map to match arrays or nested
 * patterns; `$or` holds alternative sub-patterns. Typed loosely because it usually comes from JSON.
 */
export type EventPattern = { readonly [field: string]: unknown };

/** A validated pattern that can be evaluated many times. */
export interface CompiledEventPattern {
  /** The pattern as given. */
  readonly pattern: EventPattern;
  /** True when `event` (a parsed JSON value) matches the pattern. */
  matches(event: unknown): boolean;
}

type CompiledField =
  | { readonly key: string; readonly kind: 'leaf'; readonly conditions: readonly LeafCondition[] }
  | { readonly key: string; readonly kind: 'object'; readonly node: CompiledObject };

interface CompiledObject {
  /** Every field must match (AND). */
  readonly fields: readonly CompiledField[];
  /** Each `$or` group needs one matching alternative. */
  readonly alternatives: readonly (readonly CompiledObject[])[];
}

/**
 * Validates and compiles an event pattern; throws `InvalidEventPatternError` naming the path of the
 * first malformed part.
 *
 * @example
 * const rule = compileEventPattern({ source: ['pipeline.order'], detail: { sequence: [{ numeric: ['>', 1] }] } });
 * rule.matches(event); // boolean
 */
export function compileEventPattern(
  pattern: unknown,
  options: EventPatternOptions = {},
): CompiledEventPattern {
  // An object pattern is measured as the JSON text it is deployed as (JSON.stringify, as pulumi/ does).
  checkLength(JSON.stringify(pattern) ?? '', options);
  const wildcards = new Map<string, WildcardExpression[]>();
  const root = compileObject(expandDottedKeys(pattern, ''), '', { inOr: false, wildcards, basePath: '' });
  for (const [path, expressions] of wildcards) {
    if (wildcardComplexity(expressions, MAX_WILDCARD_COMPLEXITY + 1) > MAX_WILDCARD_COMPLEXITY) {
      throw new InvalidEventPatternError(
        path,
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
      );
    }
  }
  return {
    pattern: pattern as EventPattern,
    matches: (event) => matchObject(root, hasDottedKey(event) ? expandEventDots(event) : event),
  };
}

function checkLength(text: string, options: EventPatternOptions): void {
  const maxLength = options.maxLength ?? PUT_RULE_PATTERN_MAX_LENGTH;
  if (text.length > maxLength) {
    throw new InvalidEventPatternError(
      '',
      `the pattern is ${text.length} characters long; at most ${maxLength} are allowed`,
    );
  }
}

/** Parses a pattern from JSON text (as `PutRule` and Pipes `Filters[].Pattern` carry it) and compiles it. */
export function parseEventPattern(json: string, options: EventPatternOptions = {}): CompiledEventPattern {
  checkLength(json, options);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new InvalidEventPatternError('', 'the pattern is not valid JSON', { cause });
  }
  return compileEventPattern(parsed, { maxLength: Number.POSITIVE_INFINITY });
}

/** Throws `InvalidEventPatternError` if `pattern` is malformed; otherwise returns it typed. */
export function validateEventPattern(pattern: unknown, options: EventPatternOptions = {}): EventPattern {
  return compileEventPattern(pattern, options).pattern;
}

/** One-shot match; compile once with `compileEventPattern` when evaluating a pattern repeatedly. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

interface CompileContext {
  /** Inside a `$or` alternative, where Ruler's reserved names can not be field names. */
  readonly inOr: boolean;
  /** Wildcard expressions by field path (without `$or` indexes), for the complexity check. */
  readonly wildcards: Map<string, WildcardExpression[]>;
  /** The field path without `$or` indexes: where Ruler's machine puts the field. */
  readonly basePath: string;
}

function compileObject(pattern: unknown, path: string, context: CompileContext): CompiledObject {
  if (!isPlainObject(pattern)) {
    throw new InvalidEventPatternError(path, 'a pattern must be a JSON object');
  }
  const entries = Object.entries(pattern);
  if (entries.length === 0) throw new InvalidEventPatternError(path, 'Empty objects are not allowed');
  const fields: CompiledField[] = [];
  const alternatives: CompiledObject[][] = [];
  for (const [key, value] of entries) {
    const at = joinPath(path, key);
    // Ruler reads "$or" as the OR primitive only when it holds a list; as an object it is a field name.
    if (key === '$or' && Array.isArray(value)) {
      if (value.length < 2 || !value.every(isPlainObject)) {
        throw new InvalidEventPatternError(at, '"$or" takes a list of at least two pattern objects');
      }
      alternatives.push(
        value.map((alternative, i) => compileObject(alternative, `${at}[${i}]`, { ...context, inOr: true })),
      );
      continue;
    }
    if (context.inOr && RESERVED_IN_OR.has(key)) {
      throw new InvalidEventPatternError(
        at,
        `${key} is Ruler reserved fieldName which cannot be used inside $or.`,
      );
    }
    const basePath = joinPath(context.basePath, key);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(at, 'Empty arrays are not allowed');
      const conditions = value.map((element, i) => compileLeafCondition(element, `${at}[${i}]`));
      for (const condition of conditions) {
        if (condition.kind === 'value' && condition.wildcards !== undefined) {
          const list = context.wildcards.get(basePath) ?? [];
          list.push(...condition.wildcards);
          context.wildcards.set(basePath, list);
        }
      }
      fields.push({ key, kind: 'leaf', conditions });
    } else if (isPlainObject(value)) {
      fields.push({ key, kind: 'object', node: compileObject(value, at, { ...context, basePath }) });
    } else {
      throw new InvalidEventPatternError(
        at,
        `match values must be in an array (e.g. [${JSON.stringify(value)}]) or a nested object`,
      );
    }
  }
  return { fields, alternatives };
}

/**
 * Rewrites pattern keys with dots (`"state.status"`) into nesting: Ruler joins a field's path with "." so
 * both forms are one path (https://github.com/aws/event-ruler#caveat-compiled-rules-and-json-keys-with-dots).
 * A path given twice is refused, as Ruler does ("Path `…` cannot be allowed multiple times").
 */
function expandDottedKeys(pattern: unknown, path: string): unknown {
  if (!isPlainObject(pattern)) return pattern;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      out[key] = value.map((alternative) => expandDottedKeys(alternative, path));
      continue;
    }
    const segments = key.includes('.') && key !== '.' ? key.split('.') : [key];
    let target = out;
    for (const segment of segments.slice(0, -1)) {
      const existing = target[segment];
      if (existing !== undefined && !isPlainObject(existing)) {
        throw new InvalidEventPatternError(
          joinPath(path, key),
          `Path \`${joinPath(path, key)}\` cannot be allowed multiple times`,
        );
      }
      const next: Record<string, unknown> = existing ?? {};
      target[segment] = next;
      target = next;
    }
    const last = segments[segments.length - 1] as string;
    const expanded = isPlainObject(value) ? expandDottedKeys(value, joinPath(path, key)) : value;
    const existing = target[last];
    if (existing === undefined) {
      target[last] = expanded;
    } else if (isPlainObject(existing) && isPlainObject(expanded)) {
      target[last] = mergePatterns(existing, expanded, joinPath(path, key));
    } else {
      throw new InvalidEventPatternError(
        joinPath(path, key),
        `Path \`${joinPath(path, key)}\` cannot be allowed multiple times`,
      );
    }
  }
  return out;
}

function mergePatterns(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (isPlainObject(existing) && isPlainObject(value) && key !== '$or')
      out[key] = mergePatterns(existing, value, joinPath(path, key));
    else
      throw new InvalidEventPatternError(
        joinPath(path, key),
        `Path \`${joinPath(path, key)}\` cannot be allowed multiple times`,
      );
  }
  return out;
}

function hasDottedKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDottedKey);
  if (!isPlainObject(value)) return false;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('.') || hasDottedKey(inner)) return true;
  }
  return false;
}

/**
 * The event with dotted keys nested, so `{"state.status": "x"}` and `{"state": {"status": "x"}}` read alike
 * (Ruler flattens both to the path `state.status`); values landing on one path are kept together as a list.
 */
function expandEventDots(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandEventDots);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const segments = key.split('.');
    let target = out;
    for (const segment of segments.slice(0, -1)) {
      const existing = target[segment];
      if (isPlainObject(existing)) {
        target = existing;
      } else {
        const next: Record<string, unknown> = {};
        target[segment] = existing === undefined ? next : [existing, next].flat();
        target = next;
      }
    }
    const last = segments[segments.length - 1] as string;
    const expanded = expandEventDots(inner);
    const existing = target[last];
    if (existing === undefined) target[last] = expanded;
    else if (isPlainObject(existing) && isPlainObject(expanded)) Object.assign(existing, expanded);
    else target[last] = [existing, expanded].flat();
  }
  return out;
}

function matchObject(node: CompiledObject, value: unknown): boolean {
  if (Array.isArray(value)) {
    // An array of objects: the sub-pattern must match within one element (Ruler's array consistency).
    const objects = flatten(value).filter(isPlainObject);
    if (objects.length > 0) return objects.some((element) => matchObject(node, element));
    return matchObject(node, undefined);
  }
  const object = isPlainObject(value) ? value : undefined;
  for (const field of node.fields) {
    const fieldValue =
      object !== undefined && Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    if (!matchField(field, fieldValue)) return false;
  }
  return node.alternatives.every((group) => group.some((alternative) => matchObject(alternative, value)));
}

function matchField(field: CompiledField, value: unknown): boolean {
  if (field.kind === 'object') return matchObject(field.node, value);
  const leaves = collectLeaves(value);
  return field.conditions.some((condition) =>
    condition.kind === 'exists' ? condition.exists === leaves.length > 0 : leaves.some(condition.test),
  );
}

/** Scalar values at a field: one for a scalar, each scalar element for an array, none for objects. */
function collectLeaves(value: unknown): LeafValue[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return flatten(value).filter(isLeaf);
  return isLeaf(value) ? [value] : [];
}

function isLeaf(value: unknown): value is LeafValue {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flat(Number.POSITIVE_INFINITY);
}
