import { MAX_FILTER_PATTERN_LENGTH } from '../../config/bus-routing.js';
import { type CompiledEventPattern, InvalidEventPatternError, parseEventPattern } from '../bus/index.js';
import { InvalidPipeConfigError } from './errors.js';
import { type DecodedPipeRecord, filterView, POLLER_FIELDS } from './kinesis-record.js';

/** Pipes `SourceParameters.FilterCriteria`: each `Pattern` is an event pattern as JSON text. */
export interface PipeFilterCriteria {
  readonly Filters?: readonly { readonly Pattern: string }[];
}

/** Decides whether a decoded record passes the Pipe's filters. */
export type PipeRecordFilter = (record: DecodedPipeRecord) => boolean;

/**
 * Compiles filter criteria with AWS's rules for Kinesis: a record passes if any filter matches (no filters:
 * all pass); a pattern on `data` must be a JSON object; a record whose data is not JSON is dropped by a
 * pattern that looks into `data`, and matched on its metadata by one that does not.
 * Throws `InvalidPipeConfigError` for a pattern AWS would refuse at `CreatePipe`.
 */
export function compilePipeFilters(criteria: PipeFilterCriteria | undefined): PipeRecordFilter {
  const filters = (criteria?.Filters ?? []).map((filter, i) => compileFilter(filter.Pattern, i));
  if (filters.length === 0) return () => true;
  return (record) => {
    const view = filterView(record.event);
    return filters.some(({ pattern, usesData }) => (record.dataIsJson || !usesData) && pattern.matches(view));
  };
}

function compileFilter(text: string, index: number): { pattern: CompiledEventPattern; usesData: boolean } {
  const field = `FilterCriteria.Filters[${index}].Pattern`;
  let pattern: CompiledEventPattern;
  try {
    pattern = parseEventPattern(text, { maxLength: MAX_FILTER_PATTERN_LENGTH });
  } catch (error) {
    if (error instanceof InvalidEventPatternError)
      throw new InvalidPipeConfigError(field, error.message, { cause: error });
    throw error;
  }
  const unsupported = findUnsupportedOperator(pattern.pattern, '');
  if (unsupported !== undefined) {
    throw new InvalidPipeConfigError(
      field,
      `${unsupported.operator} at ${unsupported.path} is not supported by EventBridge Pipes filters (only by event bus rules)`,
    );
  }
  const fields = Object.keys(pattern.pattern);
  const poller = fields.find((name) => (POLLER_FIELDS as readonly string[]).includes(name));
  if (poller !== undefined) {
    throw new InvalidPipeConfigError(field, `"${poller}" is added by the poller and can not be filtered on`);
  }
  const data = pattern.pattern.data;
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) {
    throw new InvalidPipeConfigError(
      field,
      'the pattern for "data" must be a JSON object (Kinesis data is filtered as JSON)',
    );
  }
  return { pattern, usesData: data !== undefined };
}

/**
 * The first operator Pipes filters do not support: the EventBridge operator table marks `wildcard`, and
 * `anything-but` with `prefix`, `suffix`, `equals-ignore-case` (or `wildcard`), as not supported in Pipes
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html).
 */
function findUnsupportedOperator(
  pattern: unknown,
  path: string,
): { readonly operator: string; readonly path: string } | undefined {
  if (Array.isArray(pattern)) {
    for (const [i, element] of pattern.entries()) {
      const found = findUnsupportedOperator(element, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof pattern !== 'object' || pattern === null) return undefined;
  for (const [key, value] of Object.entries(pattern)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (Array.isArray(value)) {
      for (const [i, element] of value.entries()) {
        const operator = unsupportedMatch(element);
        if (operator !== undefined) return { operator, path: `${at}[${i}]` };
        if (key === '$or') {
          const found = findUnsupportedOperator(element, `${at}[${i}]`);
          if (found !== undefined) return found;
        }
      }
    } else {
      const found = findUnsupportedOperator(value, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function unsupportedMatch(element: unknown): string | undefined {
  if (typeof element !== 'object' || element === null || Array.isArray(element)) return undefined;
  const match = element as Record<string, unknown>;
  if (Object.hasOwn(match, 'wildcard')) return '"wildcard"';
  const operand = match['anything-but'];
  if (typeof operand === 'object' && operand !== null && !Array.isArray(operand)) {
    const inner = Object.keys(operand)[0];
    if (inner !== undefined) return `"anything-but" with "${inner}"`;
  }
  return undefined;
}
