/**
 * How deeply an envelope may nest. A buffered event is stored whole as the `envelope` map attribute of its DynamoDB
 * item (docs/design.md §3), and DynamoDB "supports nested attributes up to 32 levels deep"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes). Counting
 * the envelope as level 1 and the innermost value as a level too, objects and arrays may nest 31 deep: an envelope
 * the processor accepts can always be buffered. The walk is iterative, so no depth can overflow the stack, unlike
 * `JSON.stringify` (a 10,000-deep value throws `RangeError`).
 */

/** Most levels of objects and arrays in an envelope, the envelope itself included. */
export const MAX_ENVELOPE_NESTING = 31;

/** True when some object or array in `value` is nested deeper than `maxNesting` levels (fast: no paths built). */
function nestsDeeperThan(value: object, maxNesting: number): boolean {
  const nodes: object[] = [value];
  const levels: number[] = [1];
  for (let node = nodes.pop(); node !== undefined; node = nodes.pop()) {
    const level = levels.pop() as number;
    if (level > maxNesting) return true;
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const child = record[key];
      if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        levels.push(level + 1);
      }
    }
  }
  return false;
}

/**
 * The dotted path of the first object or array nested deeper than `maxNesting` levels (the root is level 1), or
 * `undefined` when there is none. Visits each value once; never recurses; builds paths only when one is too deep.
 */
export function tooDeeplyNestedPath(
  value: unknown,
  maxNesting: number = MAX_ENVELOPE_NESTING,
): string | undefined {
  if (typeof value !== 'object' || value === null || !nestsDeeperThan(value, maxNesting)) return undefined;
  const stack: { readonly value: object; readonly level: number; readonly path: string }[] = [
    { value, level: 1, path: '' },
  ];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (next.level > maxNesting) return next.path;
    for (const [key, child] of Object.entries(next.value)) {
      if (typeof child === 'object' && child !== null) {
        stack.push({
          value: child,
          level: next.level + 1,
          path: next.path === '' ? key : `${next.path}.${key}`,
        });
      }
    }
  }
  return undefined;
}

/** The issue of a value nested deeper than an envelope may be, or `undefined` when it is not. */
export function envelopeNestingIssue(
  value: unknown,
): { readonly path: string; readonly message: string } | undefined {
  const path = tooDeeplyNestedPath(value);
  return path === undefined
    ? undefined
    : {
        path,
        message: `nested deeper than ${MAX_ENVELOPE_NESTING} levels of objects and arrays (the envelope is level 1; DynamoDB stores at most 32 levels)`,
      };
}
