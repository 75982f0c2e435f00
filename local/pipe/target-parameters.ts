import type { PutEventsRequestEntry } from '../bus/index.js';
import { InvalidPipeConfigError, PipeRecordError } from './errors.js';
import { evaluateJsonPath, type JsonPathStep, parseJsonPath } from './json-path.js';

/**
 * `TargetParameters.EventBridgeEventBusParameters`. `DetailType`, `Source` and `Time` are static strings or,
 * when they start with `$.`, dynamic JSON paths into the source event (never into the transformed input; the
 * whole value must be the path, as AWS requires).
 */
export interface PipeEventBusTarget {
  /** Bus name or ARN. */
  readonly eventBusName: string;
  readonly detailType: string;
  readonly source: string;
  readonly time?: string;
  readonly resources?: readonly string[];
}

/** A static value or a compiled path. */
type Parameter =
  | { readonly kind: 'static'; readonly value: string }
  | { readonly kind: 'path'; readonly steps: readonly JsonPathStep[]; readonly text: string };

/** Target parameters resolved per event. */
export interface CompiledEventBusTarget {
  /** Builds the `PutEvents` entry for one event and its rendered detail; throws `PipeRecordError`. */
  toEntry(event: unknown, detail: string): PutEventsRequestEntry;
}

/** Validates the target parameters once (`InvalidPipeConfigError`) and returns the per-event builder. */
export function compileEventBusTarget(target: PipeEventBusTarget): CompiledEventBusTarget {
  const detailType = compileParameter('DetailType', target.detailType);
  const source = compileParameter('Source', target.source);
  const time = target.time === undefined ? undefined : compileParameter('Time', target.time);
  if (target.eventBusName === '')
    throw new InvalidPipeConfigError('target.eventBusName', 'must not be empty');
  return {
    toEntry(event, detail) {
      return {
        EventBusName: target.eventBusName,
        DetailType: resolve('DetailType', detailType, event),
        Source: resolve('Source', source, event),
        Detail: detail,
        ...(time === undefined ? {} : { Time: resolve('Time', time, event) }),
        ...(target.resources === undefined ? {} : { Resources: [...target.resources] }),
      };
    },
  };
}

function compileParameter(name: string, value: string): Parameter {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidPipeConfigError(`target.${name}`, 'must be a non-empty string or a $.path');
  }
  if (!value.startsWith('$.')) return { kind: 'static', value };
  try {
    return { kind: 'path', steps: parseJsonPath(value), text: value };
  } catch (error) {
    throw new InvalidPipeConfigError(`target.${name}`, (error as Error).message, { cause: error });
  }
}

function resolve(name: string, parameter: Parameter, event: unknown): string {
  if (parameter.kind === 'static') return parameter.value;
  const value = evaluateJsonPath(parameter.steps, event);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new PipeRecordError(
    'TargetParameterNotFound',
    `${name} path ${parameter.text} found ${value === undefined ? 'nothing' : JSON.stringify(value)} in the event`,
  );
}
