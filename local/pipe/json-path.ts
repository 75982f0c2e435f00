import { InvalidJsonPathError } from './errors.js';

/** One step of a parsed path. */
export type JsonPathStep =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

const NAME = /^[A-Za-z0-9_-]+/;

/**
 * Parses the JSON path subset AWS Pipes supports: `$`, `.name` (letters, digits, `-`, `_`), `[n]`, `.*`, `[*]`.
 * @example parseJsonPath('$.data.items[0].sku')
 */
export function parseJsonPath(path: string): JsonPathStep[] {
  if (!path.startsWith('$')) throw new InvalidJsonPathError(path, 'must start with "$"');
  const steps: JsonPathStep[] = [];
  let rest = path.slice(1);
  // Each step consumes at least one character, so the loop is bounded by the path's length.
  while (rest.length > 0) {
    if (rest.startsWith('.*')) {
      steps.push({ kind: 'wildcard' });
      rest = rest.slice(2);
    } else if (rest.startsWith('[*]')) {
      steps.push({ kind: 'wildcard' });
      rest = rest.slice(3);
    } else if (rest.startsWith('.')) {
      const name = NAME.exec(rest.slice(1))?.[0];
      if (name === undefined) throw new InvalidJsonPathError(path, `bad field name at "${rest}"`);
      steps.push({ kind: 'name', name });
      rest = rest.slice(1 + name.length);
    } else {
      const index = /^\[(\d+)\]/.exec(rest);
      if (index === null) throw new InvalidJsonPathError(path, `unexpected "${rest}"`);
      steps.push({ kind: 'index', index: Number(index[1]) });
      rest = rest.slice(index[0].length);
    }
  }
  return steps;
}

/** Evaluates parsed steps; `undefined` when nothing is there. A wildcard yields an array of matches. */
export function evaluateJsonPath(steps: readonly JsonPathStep[], value: unknown): unknown {
  let current: unknown = value;
  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i] as JsonPathStep;
    if (current === undefined || current === null || typeof current !== 'object') return undefined;
    if (step.kind === 'wildcard') {
      const children = Array.isArray(current) ? current : Object.values(current);
      const rest = steps.slice(i + 1);
      return children.map((child) => evaluateJsonPath(rest, child)).filter((v) => v !== undefined);
    }
    if (step.kind === 'index') {
      current = Array.isArray(current) ? current[step.index] : undefined;
    } else {
      current =
        !Array.isArray(current) && Object.hasOwn(current, step.name)
          ? (current as Record<string, unknown>)[step.name]
          : undefined;
    }
  }
  return current;
}
