/**
 * The one environment resolver of the tools (replay, archive, aggregates, load): the local stack's endpoints.json
 * (`--data-dir`), a Pulumi stack's outputs (`--stack`), or the explicit form (`--stream/--table/--bucket/--bus/--url`
 * with the standard AWS environment). See README.md "Choosing an environment".
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { z } from 'zod';
import {
  type LocalEndpoints,
  readLocalEndpoints,
  resolveDataDir,
} from '../../local/endpoints/endpoints-file.js';
import { type EnvironmentFlags, EXPLICIT_FLAG_NAMES } from './environment-flags.js';
import { EnvironmentError } from './errors.js';
import type { PipelineEnvironment } from './pipeline-environment.js';
import {
  type ExplicitFlags,
  explicitFlagsSchema,
  type StackOutputs,
  stackOutputsSchema,
} from './source-schemas.js';

/** The chosen source and what it needs to be read. */
export type EnvironmentSource =
  | { readonly kind: 'data-dir'; readonly dataDir: string }
  | { readonly kind: 'stack'; readonly stack: string }
  | { readonly kind: 'explicit'; readonly flags: ExplicitFlags; readonly s3PathStyle: boolean };

const EXPLICIT_FIELDS = Object.keys(EXPLICIT_FLAG_NAMES) as (keyof typeof EXPLICIT_FLAG_NAMES)[];

const issuesText = (error: z.ZodError, name: (path: PropertyKey[]) => string) =>
  error.issues.map((issue) => `${name(issue.path)}: ${issue.message}`).join('; ');

/**
 * Chooses the source from the flags (pure). The three forms are mutually exclusive; without any flag it is the
 * local stack in `PIPELINE_DATA_DIR` or `.local`.
 */
export function chooseEnvironmentSource(
  flags: EnvironmentFlags,
  processEnv: NodeJS.ProcessEnv = process.env,
): EnvironmentSource {
  const explicit = EXPLICIT_FIELDS.filter((field) => flags[field] !== undefined);
  const forms = [
    ...(flags.dataDir === undefined ? [] : ['--data-dir']),
    ...(flags.stack === undefined ? [] : ['--stack']),
    ...(explicit.length === 0 ? [] : [explicit.map((field) => EXPLICIT_FLAG_NAMES[field]).join('/')]),
  ];
  if (forms.length > 1) {
    throw new EnvironmentError(
      `${forms.join(' and ')} choose different environments: give --data-dir <dir>, --stack <name> or the explicit form (--stream/--table/--bucket/--bus/--url), not several`,
    );
  }
  if (flags.stack !== undefined) {
    if (!/^[A-Za-z0-9._/-]+$/.test(flags.stack)) {
      throw new EnvironmentError(`--stack: "${flags.stack}" is not a stack name`);
    }
    return { kind: 'stack', stack: flags.stack };
  }
  if (explicit.length > 0) {
    const parsed = explicitFlagsSchema.safeParse(
      Object.fromEntries(explicit.map((field) => [field, flags[field]])),
    );
    if (!parsed.success) {
      throw new EnvironmentError(
        issuesText(parsed.error, (path) => EXPLICIT_FLAG_NAMES[path[0] as keyof typeof EXPLICIT_FLAG_NAMES]),
      );
    }
    // Not an endpoint resolution (the SDK does that): only whether an override exists, to default path-style on.
    const s3Override = (processEnv.AWS_ENDPOINT_URL_S3 ?? processEnv.AWS_ENDPOINT_URL ?? '') !== '';
    return { kind: 'explicit', flags: parsed.data, s3PathStyle: parsed.data.s3PathStyle ?? s3Override };
  }
  return { kind: 'data-dir', dataDir: resolveDataDir(flags.dataDir, processEnv) };
}

/** Maps the local stack's endpoints.json to an environment (pure). */
export function environmentFromEndpoints(dataDir: string, local: LocalEndpoints): PipelineEnvironment {
  const extra = local as Record<string, unknown>;
  const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
  const { eventbridge } = local.endpoints;
  return {
    name: `local stack (${dataDir})`,
    source: 'data-dir',
    local: true,
    region: local.region,
    credentials: local.credentials,
    endpoints: {
      kinesis: local.endpoints.kinesis,
      dynamodb: local.endpoints.dynamodb,
      s3: local.endpoints.s3,
      ...(eventbridge === undefined ? {} : { eventbridge }),
    },
    s3Compatible: true,
    streamName: local.stream.name,
    table: local.table,
    bucket: local.bucket,
    archivePrefix: text(extra.archivePrefix, 'events/'),
    busName: local.bus,
    sourcePrefix: text(extra.sourcePrefix, 'pipeline'),
    ingest: { url: local.endpoints.ingest, token: local.ingestToken },
    queues: local.queues,
    ...(typeof extra.pid === 'number' ? { pid: extra.pid } : {}),
  };
}

/** Maps `pulumi stack output --json` (the exports of `pulumi/index.ts`) to an environment (pure). */
export function environmentFromStackOutputs(stack: string, outputs: unknown): PipelineEnvironment {
  const parsed = stackOutputsSchema.safeParse(outputs);
  if (!parsed.success) {
    throw new EnvironmentError(
      `pulumi stack ${stack}'s outputs: ${issuesText(parsed.error, (path) => `output "${path.join('.')}"`)}`,
    );
  }
  const o: StackOutputs = parsed.data;
  return {
    name: `pulumi stack ${stack}`,
    source: 'stack',
    local: false,
    region: o.region,
    endpoints: {},
    ...(o.streamName === undefined ? {} : { streamName: o.streamName }),
    ...(o.tableName === undefined ? {} : { table: o.tableName }),
    ...(o.bucketName === undefined ? {} : { bucket: o.bucketName }),
    archivePrefix: o.archivePrefix,
    ...(o.busName === undefined ? {} : { busName: o.busName }),
    sourcePrefix: o.eventSourcePrefix,
    ...(o.ingestUrl === undefined
      ? {}
      : { ingest: { url: o.ingestUrl, ...(o.ingestToken === undefined ? {} : { token: o.ingestToken }) } }),
    queues: o.queues,
    ...(o.backfillStateMachineArn === undefined
      ? {}
      : { backfillStateMachineArn: o.backfillStateMachineArn }),
  };
}

/** Maps the explicit form to an environment (pure); the SDK reads region, credentials and endpoints. */
export function environmentFromExplicitFlags(
  flags: ExplicitFlags,
  s3PathStyle: boolean,
  processEnv: NodeJS.ProcessEnv = process.env,
): PipelineEnvironment {
  const token = flags.token ?? processEnv.PIPELINE_INGEST_TOKEN;
  const names = [
    flags.stream === undefined ? undefined : `stream ${flags.stream}`,
    flags.table === undefined ? undefined : `table ${flags.table}`,
    flags.bucket === undefined ? undefined : `bucket ${flags.bucket}`,
    flags.bus === undefined ? undefined : `bus ${flags.bus}`,
    flags.url === undefined ? undefined : `ingest ${flags.url}`,
  ].filter((n) => n !== undefined);
  return {
    name: `explicit environment (${names.join(', ')})`,
    source: 'explicit',
    local: false,
    endpoints: {},
    s3Compatible: s3PathStyle,
    ...(flags.stream === undefined ? {} : { streamName: flags.stream }),
    ...(flags.table === undefined ? {} : { table: flags.table }),
    ...(flags.bucket === undefined ? {} : { bucket: flags.bucket }),
    archivePrefix: flags.archivePrefix,
    ...(flags.bus === undefined ? {} : { busName: flags.bus }),
    sourcePrefix: flags.sourcePrefix,
    ...(flags.url === undefined
      ? {}
      : { ingest: { url: flags.url, ...(token === undefined || token === '' ? {} : { token }) } }),
    queues: {},
  };
}

/** Options of {@link resolveEnvironment}. */
export interface ResolveEnvironmentOptions {
  /** @default process.env */
  readonly processEnv?: NodeJS.ProcessEnv;
  /** Read secret stack outputs too (the ingest token). @default false */
  readonly showSecrets?: boolean;
  /** Runs `pulumi` with these arguments and returns its stdout. @default the pulumi CLI on PATH */
  readonly pulumi?: (args: readonly string[]) => Promise<string>;
}

const pulumiCli = async (args: readonly string[]): Promise<string> =>
  (await promisify(execFile)('pulumi', [...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;

/** Resolves the flags to an environment: reads endpoints.json, runs `pulumi stack output`, or takes the flags. */
export async function resolveEnvironment(
  flags: EnvironmentFlags,
  options: ResolveEnvironmentOptions = {},
): Promise<PipelineEnvironment> {
  const processEnv = options.processEnv ?? process.env;
  const source = chooseEnvironmentSource(flags, processEnv);
  switch (source.kind) {
    case 'data-dir': {
      const local = await readLocalEndpoints(source.dataDir);
      if (local === undefined) {
        throw new EnvironmentError(
          `no local stack at ${source.dataDir} (no endpoints.json): start it with npm start, or choose --stack <name> or the explicit form`,
        );
      }
      return environmentFromEndpoints(source.dataDir, local);
    }
    case 'stack': {
      const args = ['stack', 'output', '--json', ...(options.showSecrets ? ['--show-secrets'] : [])];
      let stdout: string;
      try {
        stdout = await (options.pulumi ?? pulumiCli)([...args, '--stack', source.stack]);
      } catch (cause) {
        throw new EnvironmentError(
          `could not read the outputs of pulumi stack ${source.stack}: ${(cause as Error).message}`,
          { cause },
        );
      }
      let outputs: unknown;
      try {
        outputs = JSON.parse(stdout);
      } catch (cause) {
        throw new EnvironmentError(`pulumi stack ${source.stack}'s outputs are not JSON`, { cause });
      }
      return environmentFromStackOutputs(source.stack, outputs);
    }
    case 'explicit':
      return environmentFromExplicitFlags(source.flags, source.s3PathStyle, processEnv);
    default: {
      const exhaustive: never = source;
      throw new EnvironmentError(`unknown environment source ${JSON.stringify(exhaustive)}`);
    }
  }
}
