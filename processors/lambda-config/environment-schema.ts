/**
 * One way for every Lambda to read its environment: a zod object over its variables (with the defaults) is
 * the Lambda's config contract (`processors/<lambda>/config.ts`). The same schema types what the Pulumi
 * program and the local stack write ({@link EnvironmentVariables}), so a misspelt or missing variable is a
 * type error there.
 */ import { z } from 'zod';
import { type EnvironmentProblem, LambdaConfigError } from './errors.js';

/** An environment as Lambda (or `process.env`) gives it. */
export type EnvironmentInput = Readonly<Record<string, string | undefined>>;

/** A Lambda's environment schema: an object of its variables. */
export type EnvironmentSchema = z.ZodObject;

type Input<S extends EnvironmentSchema> = z.input<S>;
type OptionalKeys<S extends EnvironmentSchema> = {
  [K in keyof Input<S>]-?: object extends Pick<Input<S>, K> ? K : never;
}[keyof Input<S>];
type RequiredKeys<S extends EnvironmentSchema> = Exclude<keyof Input<S>, OptionalKeys<S>>;

/**
 * The variables of a Lambda's environment, typed from its schema: the required ones required, the defaulted
 * ones optional, no others. `V` is the value type (`string`, or `pulumi.Input<string>` in the Pulumi
 * program).
 */
export type EnvironmentVariables<S extends EnvironmentSchema, V = string> = {
  readonly [K in RequiredKeys<S>]: V;
} & { readonly [K in OptionalKeys<S>]?: V };

/** A positive integer variable with its default. */
export function positiveIntVariable(fallback: number, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce.number().int().min(1).max(max).default(fallback);
}

/**
 * Parses a Lambda's environment with its schema. An empty variable counts as unset (so it takes its default).
 * @throws LambdaConfigError naming every bad variable.
 */
export function parseEnvironment<S extends EnvironmentSchema>(
  lambda: string,
  schema: S,
  environment: EnvironmentInput,
): z.output<S> {
  const variables: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = environment[name];
    variables[name] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(variables);
  if (result.success) return result.data;
  const problems: EnvironmentProblem[] = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const value = variables[variable];
    return value === undefined
      ? { variable, problem: 'is required' }
      : { variable, problem: `${issue.message} (got "${value}")` };
  });
  throw new LambdaConfigError(lambda, problems);
}

/**
 * Each variable's default as it would be written in the environment; `undefined` for a required variable.
 * README tables and the Pulumi/local writers read defaults from here, never from a copy.
 */
export function environmentDefaults<S extends EnvironmentSchema>(
  schema: S,
): { readonly [K in keyof S['shape']]: string | undefined } {
  const defaults: Record<string, string | undefined> = {};
  for (const [name, variable] of Object.entries(schema.shape)) {
    defaults[name] = defaultOf(variable as z.ZodType);
  }
  return defaults as { readonly [K in keyof S['shape']]: string | undefined };
}

function defaultOf(variable: z.ZodType): string | undefined {
  if (variable instanceof z.ZodDefault) return String(variable.def.defaultValue);
  if (variable instanceof z.ZodPipe) return defaultOf(variable.def.in as z.ZodType);
  return undefined;
}
