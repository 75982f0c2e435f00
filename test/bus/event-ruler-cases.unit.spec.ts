import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '../../local/bus/errors.js';
import {
  compileEventPattern,
  MAX_WILDCARD_COMPLEXITY,
  matchesEventPattern,
  PUT_RULE_PATTERN_MAX_LENGTH,
  parseEventPattern,
  validateEventPattern,
} from '../../local/bus/event-pattern.js';
import { parseWildcard, wildcardComplexity } from '../../local/bus/pattern-operators.js';

// Cases from aws/event-ruler (commit 337e8d99026d3f6687f783535f157be8bf4ebbb7): its JUnit tests, its
// JsonRuleCompiler / CIDR / Constants messages and README, and from the EventBridge user guide. Each row
// names its source.
// ${RULER} below stands for https://github.com/aws/event-ruler/blob/337e8d99026d3f6687f783535f157be8bf4ebbb7

describe('Empty match arrays and empty objects are refused', () => {
  // ${RULER}/src/main/software/amazon/event/ruler/JsonRuleCompiler.java ("Empty arrays are not allowed",
  // "Empty objects are not allowed").
  it.each([
    ['{"resources": []}', 'resources', 'Empty arrays are not allowed'],
    ['{"detail": {"state": []}}', 'detail.state', 'Empty arrays are not allowed'],
    ['{}', '', 'Empty objects are not allowed'],
    ['{"detail": {}}', 'detail', 'Empty objects are not allowed'],
    ['{"$or": [{"a": ["x"]}, {}]}', '$or[1]', 'Empty objects are not allowed'],
  ])('%s', (text, path, reason) => {
    const parse = () => parseEventPattern(text);
    expect(parse).toThrow(InvalidEventPatternError);
    expect(parse).toThrow(expect.objectContaining({ path, reason }));
  });
});

describe('anything-but with a list of prefixes or suffixes', () => {
  // ${RULER}/src/test/software/amazon/event/ruler/JsonRuleCompilerTest.java: `{"a": [{"anything-but":
  // {"prefix": ["abc", "123"]}}]}` compiles; `["1", ""]` (empty string) and `[1, 2, 3]` (numbers) do not.
  const prefixes = { a: [{ 'anything-but': { prefix: ['abc', '123'] } }] };
  const suffixes = { a: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] };
  it.each([
    [prefixes, 'abcdef', false],
    [prefixes, '1234', false],
    [prefixes, 'xyz', true],
    [suffixes, 'a.png', false],
    [suffixes, 'b.jpg', false],
    [suffixes, 'c.gif', true],
  ] as const)('%j on %s → %s', (pattern, value, expected) => {
    expect(matchesEventPattern(pattern, { a: value })).toBe(expected);
  });

  it.each([
    [{ a: [{ 'anything-but': { prefix: ['1', ''] } }] }, 'Null prefix/suffix not allowed'],
    [{ a: [{ 'anything-but': { prefix: [1, 2, 3] } }] }, 'prefix/suffix match pattern must be a string'],
    [{ a: [{ 'anything-but': { suffix: [''] } }] }, 'Null prefix/suffix not allowed'],
  ])('refuses %j', (pattern, reason) => {
    expect(() => validateEventPattern(pattern)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('Wildcard complexity (Ruler MachineComplexityEvaluator)', () => {
  // Expected values from ${RULER}/src/test/software/amazon/event/ruler/MachineComplexityEvaluatorTest.java.
  it.each([
    [['*'], 1],
    [['*', 'ab*c'], 3],
    [['abc'], 1],
    [['*ab'], 2],
    [['*aa'], 3],
    [['a*b'], 2],
    [['aa*'], 2],
    [['a*bc'], 2],
    [['a*bb'], 3],
    [['a*bcb'], 3],
    [['a*bbb'], 4],
    [['*ab*ad'], 4],
    [['*ab*d'], 3],
    [['*aba*'], 4],
    [['a*b*bb'], 5],
    [['a*b*cb'], 4],
    [['a*b*cd'], 3],
    [['a*b*b'], 4],
    [['a*bb*'], 4],
    [['ab*b*'], 3],
    [['ab*c', 'x*xx'], 3],
    [['*abc', '*abcde'], 4],
    [['a*bcd', 'ab*cd'], 4],
    [['a*bc', 'a*bcde'], 4],
    [['a*aaa', 'aa*aa'], 7],
    [['a*bc', 'abc*d'], 4],
    [['a*aaa', 'aaa*a'], 6],
    [['a*aax', 'aaa*x'], 5],
    [['a*bc', 'abc*'], 4],
  ] as const)('%j has complexity %d', (expressions, expected) => {
    const parsed = expressions.map((expression) => parseWildcard(expression, 'x'));
    expect(wildcardComplexity(parsed, 1000)).toBe(expected);
  });

  // The EventBridge user guide's wildcard examples ("dir/*/*.png", "*/lib/*", "Simple*Service") and a
  // path with many ordinary repeated segments stay accepted.
  it.each(['dir/*/*.png', '*/lib/*', 'Simple*Service', 'arn:aws:s3:::bucket/*/logs/*/2024-*-*.json'])(
    'accepts %s',
    (expression) => {
      expect(() => validateEventPattern({ key: [{ wildcard: expression }] })).not.toThrow();
    },
  );

  it('refuses a pattern whose wildcard complexity exceeds the limit, with Ruler/EventBridge wording', () => {
    // "a*aaaaaaaaaaa" on input "aaaa…": every prefix "a*", "a*a", … is live at once.
    const expression = `a*${'a'.repeat(MAX_WILDCARD_COMPLEXITY)}`;
    expect(() => validateEventPattern({ key: [{ wildcard: expression }] })).toThrow(
      expect.objectContaining({ path: 'key', message: expect.stringContaining('Rule is too complex') }),
    );
    const shorter = `a*${'a'.repeat(MAX_WILDCARD_COMPLEXITY - 2)}`;
    expect(() => validateEventPattern({ key: [{ wildcard: shorter }] })).not.toThrow();
  });

  it('sums the wildcards one field carries across match values, $or alternatives and anything-but', () => {
    const six = 'a*aaaaa'; // complexity 6 alone, 12 for two on one field
    expect(() =>
      validateEventPattern({
        $or: [{ key: [{ wildcard: six }] }, { key: [{ 'anything-but': { wildcard: six } }] }],
      }),
    ).toThrow(expect.objectContaining({ message: expect.stringContaining('Rule is too complex') }));
    expect(() =>
      validateEventPattern({ $or: [{ key: [{ wildcard: six }] }, { other: [{ wildcard: six }] }] }),
    ).not.toThrow();
  });
});

describe('Dotted keys and nesting are one path, on either side', () => {
  // ${RULER}/README.md, "Caveat: Compiled rules and JSON keys with dots": both rules match both events.
  const rules = [{ detail: { state: { status: ['running'] } } }, { detail: { 'state.status': ['running'] } }];
  const events = [{ detail: { state: { status: 'running' } } }, { detail: { 'state.status': 'running' } }];
  for (const [r, rule] of rules.entries()) {
    for (const [e, event] of events.entries()) {
      it(`rule ${r} matches event ${e}`, () => {
        expect(matchesEventPattern(rule, event)).toBe(true);
        expect(matchesEventPattern(rule, { detail: { 'state.status': 'stopped' } })).toBe(false);
      });
    }
  }

  it('a top-level dotted key reaches into the nested event', () => {
    expect(matchesEventPattern({ 'detail.state.status': ['running'] }, events[0])).toBe(true);
  });

  it('refuses a path given twice (Ruler: "Path `…` cannot be allowed multiple times")', () => {
    expect(() =>
      validateEventPattern({ detail: { 'state.status': ['a'], state: { status: ['b'] } } }),
    ).toThrow(InvalidEventPatternError);
  });

  it('merges a dotted key with the nested form when they name different fields', () => {
    const pattern = { detail: { 'state.status': ['running'], state: { code: [16] } } };
    expect(matchesEventPattern(pattern, { detail: { state: { status: 'running', code: 16 } } })).toBe(true);
    expect(matchesEventPattern(pattern, { detail: { state: { status: 'running', code: 48 } } })).toBe(false);
  });
});

describe('cidr needs a mask', () => {
  // ${RULER}/src/main/software/amazon/event/ruler/CIDR.java: "Malformed CIDR, one '/' required".
  it.each(['10.0.0.1', '2001:db8::1', '10.0.0.0/8/8'])('refuses %s', (block) => {
    expect(() => validateEventPattern({ ip: [{ cidr: block }] })).toThrow(
      expect.objectContaining({ path: 'ip[0].cidr', message: expect.stringContaining("one '/' required") }),
    );
  });

  it('accepts /32 written out', () => {
    expect(matchesEventPattern({ ip: [{ cidr: '10.0.0.1/32' }] }, { ip: '10.0.0.1' })).toBe(true);
  });
});

describe('Operator names inside $or', () => {
  // ${RULER}/src/main/software/amazon/event/ruler/Constants.java RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP,
  // refused by JsonRuleCompiler.parseObjectInsideOrRelationship ("… is Ruler reserved fieldName which cannot
  // be used inside $or.").
  it.each([
    'prefix',
    'suffix',
    'anything-but',
    'numeric',
    'exists',
    'wildcard',
    'cidr',
    'equals-ignore-case',
    'exactly',
    '>=',
  ])('refuses %s as a field name inside $or', (name) => {
    expect(() => validateEventPattern({ $or: [{ a: ['x'] }, { [name]: ['y'] }] })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('reserved') }),
    );
    expect(() => validateEventPattern({ $or: [{ a: ['x'] }, { b: { [name]: ['y'] } }] })).toThrow(
      InvalidEventPatternError,
    );
  });

  it('accepts the same name outside $or', () => {
    expect(matchesEventPattern({ prefix: ['y'] }, { prefix: 'y' })).toBe(true);
  });
});

describe('Pattern length (PutRule)', () => {
  // EventBridge quotas: event pattern size 2,048 characters by default
  // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html).
  const padded = (length: number): string => {
    const base = '{"source":[""]}';
    return `{"source":["${'x'.repeat(length - base.length)}"]}`;
  };
  it('accepts exactly 2,048 characters and refuses 2,049', () => {
    expect(padded(PUT_RULE_PATTERN_MAX_LENGTH)).toHaveLength(2048);
    expect(() => parseEventPattern(padded(2048))).not.toThrow();
    expect(() => parseEventPattern(padded(2049))).toThrow(InvalidEventPatternError);
    expect(() => compileEventPattern(JSON.parse(padded(2049)))).toThrow(InvalidEventPatternError);
  });

  it('takes a raised quota as an option', () => {
    expect(() => parseEventPattern(padded(4096), { maxLength: 4096 })).not.toThrow();
  });
});

describe('Property: the dotted form of a pattern matches exactly what the nested form matches', () => {
  const segment = fc.constantFrom('a', 'b', 'c');
  const leaf = fc.constantFrom('x', 'y', 1, null);
  type Tree = { [key: string]: Tree | unknown };
  const { tree } = fc.letrec<{ tree: Tree; node: unknown }>((tie) => ({
    tree: fc.dictionary(segment, tie('node'), { minKeys: 1, maxKeys: 2 }),
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(leaf, { minLength: 1, maxLength: 2 }), tie('tree')),
  }));
  /** Patterns: nested objects ending in match arrays. */
  const { pattern } = fc.letrec<{ pattern: Tree; value: unknown }>((tie) => ({
    pattern: fc.dictionary(segment, tie('value'), { minKeys: 1, maxKeys: 2 }),
    value: fc.oneof({ depthSize: 'small' }, fc.array(leaf, { minLength: 1, maxLength: 2 }), tie('pattern')),
  }));
  const flatten = (node: Tree, prefix = ''): Tree => {
    const out: Tree = {};
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (Array.isArray(value) || typeof value !== 'object' || value === null) out[path] = value;
      else Object.assign(out, flatten(value as Tree, path));
    }
    return out;
  };

  it('on nested events and on their dotted form', () => {
    fc.assert(
      fc.property(pattern, tree, (nested, event) => {
        const expected = matchesEventPattern(nested, event);
        expect(matchesEventPattern(flatten(nested), event)).toBe(expected);
        // Flattening an event without arrays of objects keeps every leaf on its path.
        expect(matchesEventPattern(nested, flatten(event))).toBe(expected);
      }),
    );
  });
});
