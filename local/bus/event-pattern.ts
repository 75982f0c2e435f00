import { InvalidEventPatternError } from './errors.js';
import {
  compileLeafCondition,
  isPlainObject,
  type LeafCondition,
  type LeafValue,
} from './pattern-operators.js';

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
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  const root = compileObject(pattern, '');
  return { pattern: pattern as EventPattern, matches: (event) => matchObject(root, event) };
}

/** Parses a pattern from JSON text (as `PutRule` and Pipes `Filters[].Pattern` carry it) and compiles it. */
export function parseEventPattern(json: string): CompiledEventPattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new InvalidEventPatternError('', 'the pattern is not valid JSON', { cause });
  }
  return compileEventPattern(parsed);
}

/** Throws `InvalidEventPatternError` if `pattern` is malformed; otherwise returns it typed. */
export function validateEventPattern(pattern: unknown): EventPattern {
  return compileEventPattern(pattern).pattern;
}

/** One-shot match; compile once with `compileEventPattern` when evaluating a pattern repeatedly. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function compileObject(pattern: unknown, path: string): CompiledObject {
  if (!isPlainObject(pattern)) {
    throw new InvalidEventPatternError(path, 'a pattern must be a JSON object');
  }
  const fields: CompiledField[] = [];
  const alternatives: CompiledObject[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    const at = joinPath(path, key);
    // Ruler reads "$or" as the OR primitive only when it holds a list; as an object it is a field name.
    if (key === '$or' && Array.isArray(value)) {
      if (value.length < 2 || !value.every(isPlainObject)) {
        throw new InvalidEventPatternError(at, '"$or" takes a list of at least two pattern objects');
      }
      alternatives.push(value.map((alternative, i) => compileObject(alternative, `${at}[${i}]`)));
    } else if (Array.isArray(value)) {
      fields.push({
        key,
        kind: 'leaf',
        conditions: value.map((element, i) => compileLeafCondition(element, `${at}[${i}]`)),
      });
    } else if (isPlainObject(value)) {
      fields.push({ key, kind: 'object', node: compileObject(value, at) });
    } else {
      throw new InvalidEventPatternError(
        at,
        `match values must be in an array (e.g. [${JSON.stringify(value)}]) or a nested object`,
      );
    }
  }
  return { fields, alternatives };
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
