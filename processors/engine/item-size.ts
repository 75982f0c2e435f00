/**
 * The size of an item as DynamoDB counts it, and whether every value in it can be stored at all. Pure.
 *
 * Size rule (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * an item is the sum of its attribute names (UTF-8 bytes) and values; a string is its UTF-8 bytes; a number about
 * 1 byte per two significant digits + 1; a binary value its number of bytes; null and Boolean 1 byte; a List or Map
 * 3 bytes + 1 byte per element + its elements (a Map's keys count like attribute names).
 *
 * What cannot be stored:
 * - numbers that are not finite, or beyond ±Number.MAX_SAFE_INTEGER: the SDK's marshaller refuses them (they would
 *   lose precision), and DynamoDB holds only 38 significant digits in magnitudes 1E-130 to 9.9…E+125
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html);
 * - the key `__proto__`: the SDK's map marshalling and unmarshalling assign keys onto plain objects, where
 *   `__proto__` sets a prototype instead of a key, so the item would be silently altered;
 * - values that are not data (functions, symbols, bigint, class instances such as Date);
 * - nesting deeper than 32 levels
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes).
 */

/** DynamoDB's maximum item size, 400 KB (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html). */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/** DynamoDB's deepest nesting of List and Map attributes. */
const MAX_NESTING = 32;
/** Smallest non-zero magnitude DynamoDB stores. */
const MIN_MAGNITUDE = 1e-130;

/** The measured size of an item, and the first value that cannot be stored, if any. */
export interface ItemMeasure {
  readonly bytes: number;
  /** `path: why`, for the first value that cannot be stored. */
  readonly problem?: string;
}

class NotStorable extends Error {}

/** Measures an item (a map of attribute names to values) the way DynamoDB counts its size. */
export function measureItem(item: Readonly<Record<string, unknown>>): ItemMeasure {
  // The hot path builds no paths; only when a value cannot be stored is the walk repeated to name where.
  try {
    return { bytes: itemBytes(item, false) };
  } catch (error) {
    if (!(error instanceof NotStorable)) throw error;
    return { bytes: Number.NaN, problem: problemIn(() => itemBytes(item, true)) };
  }
}

/** Why a single value (e.g. an event's data) cannot be stored, or undefined when it can. */
export function storageProblem(value: unknown, path: string): string | undefined {
  try {
    valueBytes(value, undefined, 0);
    return undefined;
  } catch (error) {
    if (!(error instanceof NotStorable)) throw error;
    return problemIn(() => valueBytes(value, path, 0));
  }
}

/** The item's size; throws NotStorable at the first value that cannot be stored. */
function itemBytes(item: Readonly<Record<string, unknown>>, withPaths: boolean): number {
  let bytes = 0;
  for (const name of Object.keys(item)) {
    const value = item[name];
    if (value === undefined) continue;
    const path = withPaths ? name : undefined;
    bytes += keyBytes(name, path) + valueBytes(value, path, 0);
  }
  return bytes;
}

/** Runs a walk with paths and returns the message of the value it refuses. */
function problemIn(walk: () => unknown): string {
  try {
    walk();
  } catch (error) {
    if (error instanceof NotStorable) return error.message;
    throw error;
  }
  return 'a value cannot be stored';
}

function keyBytes(key: string, path: string | undefined): number {
  if (key === '__proto__') {
    throw new NotStorable(
      `${path}: the key "__proto__" cannot be stored (the SDK would set a prototype instead)`,
    );
  }
  return utf8Bytes(key);
}

function valueBytes(value: unknown, path: string | undefined, depth: number): number {
  switch (typeof value) {
    case 'string':
      return value.length > 256 ? Buffer.byteLength(value, 'utf8') : utf8Bytes(value);
    case 'number':
      return numberBytes(value, path);
    case 'boolean':
      return 1;
    case 'object':
      break;
    default:
      throw new NotStorable(`${path}: a ${typeof value} is not data`);
  }
  if (value === null) return 1;
  // Binary (B): the SDK marshals a Uint8Array (or Buffer) as B, counted by its length in bytes.
  if (value instanceof Uint8Array) return value.byteLength;
  if (depth >= MAX_NESTING) throw new NotStorable(`${path}: nested deeper than ${MAX_NESTING} levels`);
  if (Array.isArray(value)) {
    let bytes = 3;
    for (let index = 0; index < value.length; index++) {
      const element: unknown = value[index];
      if (element !== undefined)
        bytes += 1 + valueBytes(element, path === undefined ? undefined : `${path}.${index}`, depth + 1);
    }
    return bytes;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new NotStorable(`${path}: a ${prototype?.constructor?.name ?? 'class'} instance is not plain data`);
  }
  let bytes = 3;
  for (const key of Object.keys(value)) {
    const element = (value as Record<string, unknown>)[key];
    if (element === undefined) continue;
    const at = path === undefined ? undefined : `${path}.${key}`;
    bytes += 1 + keyBytes(key, at) + valueBytes(element, at, depth + 1);
  }
  return bytes;
}

function numberBytes(value: number, path: string | undefined): number {
  if (!Number.isFinite(value)) throw new NotStorable(`${path}: ${value} is not a finite number`);
  const magnitude = Math.abs(value);
  if (magnitude > Number.MAX_SAFE_INTEGER) {
    throw new NotStorable(`${path}: ${value} is beyond Number.MAX_SAFE_INTEGER and would lose precision`);
  }
  if (magnitude !== 0 && magnitude < MIN_MAGNITUDE) {
    throw new NotStorable(`${path}: ${value} is below DynamoDB's smallest magnitude 1E-130`);
  }
  if (Number.isInteger(magnitude)) {
    // Counted without a string: the common case (versions, epoch ms, quantities).
    let rest = magnitude;
    while (rest !== 0 && rest % 10 === 0) rest /= 10;
    let digits = 1;
    while (rest >= 10) {
      rest = Math.floor(rest / 10);
      digits++;
    }
    return Math.ceil(digits / 2) + 1;
  }
  // Significant digits of the shortest round-trip form (its mantissa, without the point and leading or trailing zeros).
  const text = magnitude.toString();
  const exponent = text.indexOf('e');
  const end = exponent === -1 ? text.length : exponent;
  let first = 0;
  while (first < end && (text.charCodeAt(first) === 48 || text.charCodeAt(first) === 46)) first++;
  let last = end - 1;
  while (last > first && (text.charCodeAt(last) === 48 || text.charCodeAt(last) === 46)) last--;
  let digits = 0;
  for (let i = first; i <= last; i++) if (text.charCodeAt(i) !== 46) digits++;
  return Math.ceil(Math.max(digits, 1) / 2) + 1;
}

/** UTF-8 length of a string, counted in JavaScript: cheaper than a native call for the short strings of an item. */
function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
