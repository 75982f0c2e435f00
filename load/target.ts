import { stat } from 'node:fs/promises';
import { postEvents } from '../local/ingest/index.js';
import { isProcessAlive } from '../local/stack/stack-file.js';
import {
  EnvironmentError,
  type PipelineEnvironment,
  type ResolveEnvironmentOptions,
  requireResources,
  resolveEnvironment,
} from '../tools/environment/index.js';
import { LoadTargetError } from './errors.js';
import type { LoadTargetSpec } from './options.js';

/** The example rule whose queue the bus check reads. */
export const EXAMPLE_RULE = 'order-events';

/** Where a bus rule's messages can be read. */
export type BusQueueLocation =
  | { readonly kind: 'file'; readonly path: string; readonly startOffset: number }
  | { readonly kind: 'sqs'; readonly url: string };

/** How to read the pipeline's stores for verification. */
export interface TargetStores {
  /** Absent: the SDK's region (AWS_REGION, the profile). */
  readonly region?: string;
  /** Absent: the default AWS credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Absent: AWS's endpoints, or those the SDK reads from AWS_ENDPOINT_URL[_<SERVICE>]. */
  readonly endpoints?: { readonly dynamodb: string; readonly s3: string; readonly kinesis: string };
  /** Path-style S3 without streamed checksums (an S3-compatible store). @default endpoints !== undefined */
  readonly s3Compatible?: boolean;
  readonly table: string;
  readonly bucket: string;
  readonly archivePrefix: string;
  readonly busQueue: BusQueueLocation | undefined;
}

/** A resolved target. */
export interface LoadTarget {
  readonly kind: LoadTargetSpec['kind'];
  readonly description: string;
  /** The `POST /events` URL. */
  readonly eventsUrl: string;
  readonly token: string;
  /** Undefined when the tool cannot see the stores (explicit form without --table and --bucket): no verification. */
  readonly stores: TargetStores | undefined;
}

/** `<ingest base>/events`, accepting a base that already ends in `/events`. */
export function eventsUrlOf(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/events') ? trimmed : `${trimmed}/events`;
}

/** Options of {@link resolveLoadTarget}. */
export interface ResolveLoadTargetOptions {
  /** @default process.env */
  readonly processEnv?: NodeJS.ProcessEnv;
  /** Runs `pulumi` (tests stand one in). @default the pulumi CLI */
  readonly pulumi?: ResolveEnvironmentOptions['pulumi'];
}

/** Resolves the environment (tools/environment) into the ingest URL, token and store access of a load. */
export async function resolveLoadTarget(
  spec: LoadTargetSpec,
  options: ResolveLoadTargetOptions = {},
): Promise<LoadTarget> {
  const processEnv = options.processEnv ?? process.env;
  let env: PipelineEnvironment;
  try {
    env = await resolveEnvironment(spec.environment, {
      processEnv,
      showSecrets: true,
      ...(options.pulumi === undefined ? {} : { pulumi: options.pulumi }),
    });
    requireResources(env, 'load', ['ingest']);
  } catch (error) {
    if (error instanceof EnvironmentError) throw new LoadTargetError(error.message, { cause: error });
    throw error;
  }
  if (env.pid !== undefined && !isProcessAlive(env.pid))
    throw new LoadTargetError(`${env.name} is not running (pid ${env.pid} is gone): start it with npm start`);
  const ingest = env.ingest as NonNullable<PipelineEnvironment['ingest']>;
  const token = ingest.token ?? processEnv.PIPELINE_INGEST_TOKEN;
  if (token === undefined || token === '')
    throw new LoadTargetError(
      `load needs the ingest token: ${env.name} has none (--token or PIPELINE_INGEST_TOKEN)`,
    );
  const queue = env.queues[EXAMPLE_RULE];
  const { dynamodb, s3, kinesis } = env.endpoints;
  const stores: TargetStores | undefined =
    env.table === undefined || env.bucket === undefined
      ? undefined
      : {
          ...(env.region === undefined ? {} : { region: env.region }),
          ...(env.credentials === undefined ? {} : { credentials: env.credentials }),
          ...(dynamodb !== undefined && s3 !== undefined && kinesis !== undefined
            ? { endpoints: { dynamodb, s3, kinesis } }
            : {}),
          ...(env.s3Compatible === undefined ? {} : { s3Compatible: env.s3Compatible }),
          table: env.table,
          bucket: env.bucket,
          archivePrefix: env.archivePrefix,
          busQueue:
            queue === undefined
              ? undefined
              : env.local
                ? { kind: 'file', path: queue, startOffset: await sizeOf(queue) }
                : { kind: 'sqs', url: queue },
        };
  return { kind: spec.kind, description: env.name, eventsUrl: eventsUrlOf(ingest.url), token, stores };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * Checks, before any load, that ingest answers and takes the token: an empty array must get 400
 * (validation), not 401 or a connection error. Nothing is written.
 */
export async function preflight(target: LoadTarget): Promise<void> {
  let status: number;
  try {
    ({ status } = await postEvents(target, '[]', 10_000));
  } catch (error) {
    throw new LoadTargetError(`ingest at ${target.eventsUrl} is not reachable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (status === 401 || status === 403)
    throw new LoadTargetError(`ingest at ${target.eventsUrl} rejected the token (HTTP ${status})`);
  if (status !== 400)
    throw new LoadTargetError(
      `ingest at ${target.eventsUrl} answered an empty batch with HTTP ${status}, expected 400: is this the ingest API?`,
    );
}
