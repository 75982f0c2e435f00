import { BlockList, isIP } from 'node:net';
import { InvalidEventPatternError } from './errors.js';

/** A scalar event value: what a pattern's match values are compared with. */
export type LeafValue = string | number | boolean | null;

/** One element of a pattern's match array, compiled. */
export type LeafCondition =
  | { readonly kind: 'exists'; readonly exists: boolean }
  | {
      readonly kind: 'value';
      readonly test: (value: LeafValue) => boolean;
      /** Parsed `wildcard` / `anything-but` `wildcard` expressions, for the complexity check. */
      readonly wildcards?: readonly WildcardExpression[];
    };

/** A wildcard expression as a list of literal characters and `*` runs (`STAR`). */
export type WildcardExpression = readonly (string | typeof STAR)[];

const STAR = Symbol('*');

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
    case 'wildcard': {
      const expression = parseWildcard(requireString(operand, at), at);
      return { kind: 'value', test: wildcardTest(expression), wildcards: [expression] };
    }
    case 'anything-but':
      return anythingButCondition(operand, at);
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

/**
 * Parses a wildcard expression: `*` is any run of characters; `\\*` and `\\\\` are literal. Two `*` in a row
 * are refused as by Ruler's WildcardParser ("Consecutive wildcard characters at pos").
 */
export function parseWildcard(expression: string, path: string): WildcardExpression {
  const tokens: (string | typeof STAR)[] = [];
  for (let i = 0; i < expression.length; i += 1) {
    const char = expression[i] as string;
    if (char === '\\') {
      const next = expression[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(path, 'a backslash may only escape "*" or "\\"');
      }
      tokens.push(next);
      i += 1;
    } else if (char === '*') {
      if (expression[i + 1] === '*') {
        throw new InvalidEventPatternError(path, `Consecutive wildcard characters at pos ${i + 1}`);
      }
      tokens.push(STAR);
    } else {
      tokens.push(char);
    }
  }
  return tokens;
}

function wildcardTest(expression: WildcardExpression): (value: LeafValue) => boolean {
  const source = expression.map((token) => (token === STAR ? '.*' : escapeRegExp(token))).join('');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => typeof value === 'string' && regex.test(value);
}

/**
 * The most wildcard-expression positions one input string can keep alive at once over `expressions` (all on
 * one field): Ruler's MachineComplexityEvaluator measure ("how many wildcard rule prefixes match a
 * theoretical worst-case event", https://github.com/aws/event-ruler#matching-with-a-machine), computed on
 * the expressions' own automaton. Stops counting at `cap`.
 */
export function wildcardComplexity(expressions: readonly WildcardExpression[], cap: number): number {
  const alphabet = new Set<string>();
  for (const expression of expressions) {
    for (const token of expression) if (token !== STAR) alphabet.add(token);
  }
  // One character that is in no expression stands for every other input character.
  let other = '\u0000';
  while (alphabet.has(other)) other = String.fromCharCode(other.charCodeAt(0) + 1);
  const symbols = [...alphabet, other];
  const closure = (states: Set<string>): Set<string> => {
    for (const state of states) {
      const [e, p] = state.split(':').map(Number) as [number, number];
      if ((expressions[e] as WildcardExpression)[p] === STAR) states.add(`${e}:${p + 1}`);
    }
    return states;
  };
  const start = closure(new Set(expressions.map((_, e) => `${e}:0`)));
  const seen = new Set<string>([[...start].sort().join(',')]);
  const queue = [start];
  let max = 0;
  // Bounded search: enough distinct state sets have been seen to decide any realistic pattern.
  for (let visited = 0; queue.length > 0 && visited < 20_000; visited += 1) {
    const states = queue.shift() as Set<string>;
    for (const symbol of symbols) {
      // Ruler counts the byte transitions a traversal is in after one input character: each `*` loop
      // taken and each literal step, plus the `*` loop that a literal step lands in front of.
      const loops = new Set<string>();
      const steps: string[] = [];
      for (const state of states) {
        const [e, p] = state.split(':').map(Number) as [number, number];
        const token = (expressions[e] as WildcardExpression)[p];
        if (token === STAR) loops.add(state);
        else if (token === symbol) steps.push(`${e}:${p + 1}`);
      }
      let size = loops.size + steps.length;
      for (const target of steps) {
        const [e, p] = target.split(':').map(Number) as [number, number];
        if ((expressions[e] as WildcardExpression)[p] === STAR && !loops.has(target)) size += 1;
      }
      max = Math.max(max, size);
      if (max >= cap) return cap;
      const next = closure(new Set([...loops, ...steps]));
      const key = [...next].sort().join(',');
      if (next.size === 0 || seen.has(key)) continue;
      seen.add(key);
      queue.push(next);
    }
  }
  return max;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * `anything-but`: a string, a number, a non-empty list of only strings or only numbers, or one of
 * `{ prefix }`, `{ suffix }`, `{ "equals-ignore-case": string | string[] }`, `{ wildcard: string | string[] }`.
 * The field must be present; any value not excluded (of any type) matches.
 */
function anythingButCondition(operand: unknown, path: string): LeafCondition {
  if (isPlainObject(operand) && Object.keys(operand).length === 1 && Object.hasOwn(operand, 'wildcard')) {
    const at = `${path}.wildcard`;
    const expressions = stringOrStrings(operand.wildcard, at).map((s) => parseWildcard(s, at));
    const tests = expressions.map(wildcardTest);
    return { kind: 'value', test: (value) => !tests.some((test) => test(value)), wildcards: expressions };
  }
  return valueTest(anythingButTest(operand, path));
}

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

/**
 * `anything-but` `prefix` / `suffix`: a non-empty string or a non-empty list of them (Ruler's
 * JsonRuleCompiler: "Null prefix/suffix not allowed"); a value is excluded when any affix fits.
 */
function nonEmptyAffix(
  operand: unknown,
  path: string,
  compare: (value: string, affix: string) => boolean,
): (value: LeafValue) => boolean {
  const affixes = Array.isArray(operand) ? operand : [operand];
  if (affixes.length === 0) throw new InvalidEventPatternError(path, 'the list must not be empty');
  for (const affix of affixes) {
    if (typeof affix !== 'string')
      throw new InvalidEventPatternError(path, 'prefix/suffix match pattern must be a string');
    if (affix === '') throw new InvalidEventPatternError(path, 'Null prefix/suffix not allowed');
  }
  const strings = affixes as string[];
  return (value) => typeof value === 'string' && strings.some((affix) => compare(value, affix));
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
  // Ruler refuses a bare address (CIDR.java: "Malformed CIDR, one '/' required"), so no implied /32.
  if (prefixText === undefined || extra !== undefined) {
    throw new InvalidEventPatternError(path, `Malformed CIDR, one '/' required (${JSON.stringify(text)})`);
  }
  const family = isIP(address);
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (family === 0 || !/^\d+$/.test(prefixText) || prefix > maxPrefix) {
    throw new InvalidEventPatternError(path, `${JSON.stringify(text)} is not a valid CIDR block`);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const blocks = new BlockList();
  blocks.addSubnet(address, prefix, type);
  return (value) => typeof value === 'string' && isIP(value) === family && blocks.check(value, type);
}
