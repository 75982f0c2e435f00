import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { readLocalEndpoints, resolveDataDir } from '../local/endpoints/index.js';
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
  readonly region: string;
  /** Absent: the default AWS credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Absent: AWS's endpoints. */
  readonly endpoints?: { readonly dynamodb: string; readonly s3: string; readonly kinesis: string };
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
  /** Undefined when the tool cannot see the stores (`--url`): no drain wait, no verification. */
  readonly stores: TargetStores | undefined;
}

/** `<ingest base>/events`, accepting a base that already ends in `/events`. */
export function eventsUrlOf(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/events') ? trimmed : `${trimmed}/events`;
}

/** Resolves `--target local`, `--url`/`--token` or `--stack` into URLs, token and store access. */
export async function resolveLoadTarget(spec: LoadTargetSpec): Promise<LoadTarget> {
  switch (spec.kind) {
    case 'url':
      return {
        kind: 'url',
        description: spec.url,
        eventsUrl: eventsUrlOf(spec.url),
        token: spec.token,
        stores: undefined,
      };
    case 'local':
      return resolveLocal(spec.dataDir);
    case 'stack':
      return resolveStack(spec.stack);
    default: {
      const never: never = spec;
      throw new LoadTargetError(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

async function resolveLocal(dataDirFlag: string | undefined): Promise<LoadTarget> {
  const dataDir = resolveDataDir(dataDirFlag);
  const endpoints = await readLocalEndpoints(dataDir);
  if (endpoints === undefined)
    throw new LoadTargetError(`no local stack in ${dataDir} (no endpoints.json): start one with npm start`);
  const pid = (endpoints as { pid?: unknown }).pid;
  if (typeof pid === 'number' && !isAlive(pid))
    throw new LoadTargetError(
      `the local stack in ${dataDir} is not running (pid ${pid} is gone): start it with npm start`,
    );
  const queuePath = endpoints.queues[EXAMPLE_RULE];
  const archivePrefix = (endpoints as { archivePrefix?: unknown }).archivePrefix;
  return {
    kind: 'local',
    description: `local stack in ${dataDir}`,
    eventsUrl: eventsUrlOf(endpoints.endpoints.ingest),
    token: endpoints.ingestToken,
    stores: {
      region: endpoints.region,
      credentials: endpoints.credentials,
      endpoints: {
        dynamodb: endpoints.endpoints.dynamodb,
        s3: endpoints.endpoints.s3,
        kinesis: endpoints.endpoints.kinesis,
      },
      table: endpoints.table,
      bucket: endpoints.bucket,
      archivePrefix: typeof archivePrefix === 'string' ? archivePrefix : 'events/',
      busQueue:
        queuePath === undefined
          ? undefined
          : { kind: 'file', path: queuePath, startOffset: await sizeOf(queuePath) },
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function resolveStack(stack: string): Promise<LoadTarget> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(
      'pulumi',
      ['stack', 'output', '--json', '--show-secrets', '--stack', stack],
      { maxBuffer: 10 * 1024 * 1024 },
    ));
  } catch (error) {
    throw new LoadTargetError(`pulumi stack output --stack ${stack} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const outputs = JSON.parse(stdout) as Record<string, unknown>;
  const need = (key: string): string => {
    const value = outputs[key];
    if (typeof value !== 'string' || value === '')
      throw new LoadTargetError(`stack ${stack} has no "${key}" output; run pulumi up first`);
    return value;
  };
  const queues = (outputs.queues ?? {}) as Record<string, string>;
  const queueUrl = queues[EXAMPLE_RULE];
  return {
    kind: 'stack',
    description: `Pulumi stack ${stack}`,
    eventsUrl: eventsUrlOf(need('ingestUrl')),
    token: need('ingestToken'),
    stores: {
      region: need('region'),
      table: need('tableName'),
      bucket: need('bucketName'),
      archivePrefix: typeof outputs.archivePrefix === 'string' ? outputs.archivePrefix : 'events/',
      busQueue: queueUrl === undefined ? undefined : { kind: 'sqs', url: queueUrl },
    },
  };
}

/**
 * Checks, before any load, that ingest answers and takes the token: an empty array must get 400
 * (validation), not 401 or a connection error. Nothing is written.
 */
export async function preflight(target: LoadTarget): Promise<void> {
  let status: number;
  try {
    const response = await fetch(target.eventsUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: '[]',
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    status = response.status;
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
