import { BlockList, isIP } from 'node:net';
import { InvalidEventPatternError } from './errors.js';

/** A scalar event value: what a pattern's match values are compared with. */
export type LeafValue = string | number | boolean | null;

/** One element of a pattern's match array, compiled. */
export type LeafCondition =
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'value'; readonly test: (value: LeafValue) => boolean };

/** Ruler's documented numeric range (values outside it can not be compared). */
const NUMERIC_LIMIT = 5e9;

const LOWER_OPERATORS = new Set(['>', '>=']);
const UPPER_OPERATORS = new Set(['<', '<=']);

/**
 * Compiles one element of a match array (`"x"`, `42`, `null`, `{ "prefix": "x" }`, …).
 * Throws `InvalidEventPatternError` naming `path` when EventBridge would reject it.
 */
export function compileLeafCondition(element: unknown, path: string): LeafCondition {
  if (element === null || typeof element === 'string' || typeof element === 'boolean') {
    return exact(element);
  }
  if (typeof element === 'number') {
    if (!Number.isFinite(element)) throw new InvalidEventPatternError(path, 'numbers must be finite');
    return exact(element);
  }
  if (Array.isArray(element)) {
    throw new InvalidEventPatternError(
      path,
      'a match value can not be an array (nested arrays are not allowed)',
    );
  }
  if (!isPlainObject(element)) {
    throw new InvalidEventPatternError(path, `unsupported match value ${String(element)}`);
  }
  const keys = Object.keys(element);
  if (keys.length !== 1) {
    throw new InvalidEventPatternError(
      path,
      `a match object takes exactly one operator, got ${keys.length === 0 ? 'none' : keys.join(', ')}`,
    );
  }
  const operator = keys[0] as string;
  const operand = element[operator];
  const at = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
      return valueTest(stringAffixTest(operand, at, (v, a) => v.startsWith(a)));
    case 'suffix':
      return valueTest(stringAffixTest(operand, at, (v, a) => v.endsWith(a)));
    case 'equals-ignore-case':
      return valueTest(ignoreCaseTest(requireString(operand, at), (v, a) => v === a));
    case 'wildcard':
      return valueTest(wildcardTest(requireString(operand, at), at));
    case 'anything-but':
      return valueTest(anythingButTest(operand, at));
    case 'numeric':
      return valueTest(numericTest(operand, at));
    case 'exists':
      if (typeof operand !== 'boolean') throw new InvalidEventPatternError(at, 'must be true or false');
      return { kind: 'exists', exists: operand };
    case 'cidr':
      return valueTest(cidrTest(operand, at));
    default:
      throw new InvalidEventPatternError(path, `unrecognized match type ${JSON.stringify(operator)}`);
  }
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function exact(expected: LeafValue): LeafCondition {
  return valueTest((value) => value === expected);
}

function valueTest(test: (value: LeafValue) => boolean): LeafCondition {
  return { kind: 'value', test };
}

function requireString(operand: unknown, path: string): string {
  if (typeof operand !== 'string') throw new InvalidEventPatternError(path, 'must be a string');
  return operand;
}

// Case folding for equals-ignore-case: both sides lower-cased (Ruler folds Unicode case the same way for
// the characters a pipeline's events carry).
function fold(value: string): string {
  return value.toLowerCase();
}

function ignoreCaseTest(
  expected: string,
  compare: (value: string, expected: string) => boolean,
): (value: LeafValue) => boolean {
  const folded = fold(expected);
  return (value) => typeof value === 'string' && compare(fold(value), folded);
}

/** `prefix` / `suffix`: a string, or `{ "equals-ignore-case": string }`. */
function stringAffixTest(
  operand: unknown,
  path: string,
  compare: (value: string, affix: string) => boolean,
): (value: LeafValue) => boolean {
  if (typeof operand === 'string') {
    return (value) => typeof value === 'string' && compare(value, operand);
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === 'equals-ignore-case') {
      return ignoreCaseTest(
        requireString(operand['equals-ignore-case'], `${path}.equals-ignore-case`),
        compare,
      );
    }
  }
  throw new InvalidEventPatternError(path, 'must be a string or { "equals-ignore-case": string }');
}

/** Compiles a wildcard expression: `*` is any run of characters; `\*` and `\\` are literal. */
function wildcardTest(expression: string, path: string): (value: LeafValue) => boolean {
  let source = '';
  for (let i = 0; i < expression.length; i += 1) {
    const char = expression[i] as string;
    if (char === '\\') {
      const next = expression[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(path, 'a backslash may only escape "*" or "\\"');
      }
      source += escapeRegExp(next);
      i += 1;
    } else if (char === '*') {
      if (expression[i + 1] === '*') {
        throw new InvalidEventPatternError(path, 'consecutive wildcard characters are not allowed');
      }
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => typeof value === 'string' && regex.test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * `anything-but`: a string, a number, a non-empty list of only strings or only numbers, or one of
 * `{ prefix }`, `{ suffix }`, `{ "equals-ignore-case": string | string[] }`, `{ wildcard: string | string[] }`.
 * The field must be present; any value not excluded (of any type) matches.
 */
function anythingButTest(operand: unknown, path: string): (value: LeafValue) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') {
    return (value) => value !== operand;
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new InvalidEventPatternError(path, 'the list must not be empty');
    const allStrings = operand.every((v) => typeof v === 'string');
    const allNumbers = operand.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!allStrings && !allNumbers) {
      throw new InvalidEventPatternError(path, 'the list must contain only strings or only numbers');
    }
    const excluded = new Set<LeafValue>(operand as LeafValue[]);
    return (value) => !excluded.has(value);
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1) {
      const inner = keys[0] as string;
      const innerOperand = operand[inner];
      const at = `${path}.${inner}`;
      const negate =
        (test: (value: LeafValue) => boolean) =>
        (value: LeafValue): boolean =>
          !test(value);
      switch (inner) {
        case 'prefix':
          return negate(nonEmptyAffix(innerOperand, at, (v, a) => v.startsWith(a)));
        case 'suffix':
          return negate(nonEmptyAffix(innerOperand, at, (v, a) => v.endsWith(a)));
        case 'equals-ignore-case':
          return negate(
            anyOf(stringOrStrings(innerOperand, at), (s) => ignoreCaseTest(s, (v, a) => v === a)),
          );
        case 'wildcard':
          return negate(anyOf(stringOrStrings(innerOperand, at), (s) => wildcardTest(s, at)));
        default:
          break;
      }
    }
  }
  throw new InvalidEventPatternError(
    path,
    'must be a string, a number, a list of strings or of numbers, or one of { prefix }, { suffix }, ' +
      '{ "equals-ignore-case" }, { wildcard }',
  );
}

function nonEmptyAffix(
  operand: unknown,
  path: string,
  compare: (value: string, affix: string) => boolean,
): (value: LeafValue) => boolean {
  const affix = requireString(operand, path);
  if (affix === '') throw new InvalidEventPatternError(path, 'must not be empty');
  return (value) => typeof value === 'string' && compare(value, affix);
}

function stringOrStrings(operand: unknown, path: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((v) => typeof v === 'string')) {
    return operand as string[];
  }
  throw new InvalidEventPatternError(path, 'must be a string or a non-empty list of strings');
}

function anyOf(
  items: readonly string[],
  build: (item: string) => (value: LeafValue) => boolean,
): (value: LeafValue) => boolean {
  const tests = items.map(build);
  return (value) => tests.some((test) => test(value));
}

/** `numeric`: `["=", n]`, or one or two comparisons with the lower bound first (`[">", 0, "<=", 5]`). */
function numericTest(operand: unknown, path: string): (value: LeafValue) => boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternError(
      path,
      'must be [operator, number] or [operator, number, operator, number]',
    );
  }
  const comparisons: { op: string; bound: number }[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) {
      throw new InvalidEventPatternError(`${path}[${i}]`, `unknown numeric operator ${JSON.stringify(op)}`);
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new InvalidEventPatternError(`${path}[${i + 1}]`, 'must be a number');
    }
    if (Math.abs(bound) > NUMERIC_LIMIT) {
      throw new InvalidEventPatternError(
        `${path}[${i + 1}]`,
        `must be between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT}`,
      );
    }
    comparisons.push({ op, bound });
  }
  const [first, second] = comparisons as [
    { op: string; bound: number },
    { op: string; bound: number } | undefined,
  ];
  if (second !== undefined) {
    if (!LOWER_OPERATORS.has(first.op) || !UPPER_OPERATORS.has(second.op)) {
      throw new InvalidEventPatternError(
        path,
        'a range is a lower bound (">" or ">=") then an upper bound ("<" or "<=")',
      );
    }
    if (first.bound >= second.bound) {
      throw new InvalidEventPatternError(path, 'the lower bound must be less than the upper bound');
    }
  }
  return (value) =>
    typeof value === 'number' && comparisons.every(({ op, bound }) => compare(op, value, bound));
}

function compare(op: string, value: number, bound: number): boolean {
  switch (op) {
    case '=':
      return value === bound;
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    default:
      return value >= bound;
  }
}

/** `cidr`: an IPv4 or IPv6 block such as `10.0.0.0/24`; matches string values that are addresses in it. */
function cidrTest(operand: unknown, path: string): (value: LeafValue) => boolean {
  const text = requireString(operand, path);
  const [address = '', prefixText, extra] = text.split('/');
  const family = isIP(address);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (
    family === 0 ||
    extra !== undefined ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > maxPrefix ||
    (prefixText !== undefined && !/^\d+$/.test(prefixText))
  ) {
    throw new InvalidEventPatternError(path, `${JSON.stringify(text)} is not a valid CIDR block`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const blocks = new BlockList();
  blocks.addSubnet(address, prefix, type);
  return (value) => typeof value === 'string' && isIP(value) === family && blocks.check(value, type);
}
