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
    pattern = parseEventPattern(text);
  } catch (error) {
    if (error instanceof InvalidEventPatternError)
      throw new InvalidPipeConfigError(field, error.message, { cause: error });
    throw error;
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
