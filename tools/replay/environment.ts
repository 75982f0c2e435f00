/** Resolves where a replay or archive command acts: the local stack's endpoints.json or a Pulumi stack's outputs. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readLocalEndpoints } from '../../local/endpoints/endpoints-file.js';
import { ReplayOptionsError } from '../../processors/replay/errors.js';
import type { ReplayEnvironment } from '../../processors/replay/replay-environment.js';

/** Reads the local stack's `<dataDir>/endpoints.json`. */
export async function localEnvironment(dataDir: string): Promise<ReplayEnvironment> {
  const local = await readLocalEndpoints(dataDir);
  if (local === undefined) {
    throw new ReplayOptionsError(
      `no local stack at ${dataDir} (no endpoints.json): start it with npm start, or pass --stack <name>`,
    );
  }
  const extra = local.endpoints as Record<string, unknown>;
  const eventbridge = typeof extra.eventbridge === 'string' ? extra.eventbridge : undefined;
  return {
    name: `local stack (${dataDir})`,
    local: true,
    region: local.region,
    credentials: local.credentials,
    endpoints: {
      kinesis: local.endpoints.kinesis,
      dynamodb: local.endpoints.dynamodb,
      s3: local.endpoints.s3,
      ...(eventbridge === undefined ? {} : { eventbridge }),
    },
    streamName: local.stream.name,
    table: local.table,
    bucket: local.bucket,
    archivePrefix: typeof local.archivePrefix === 'string' ? local.archivePrefix : 'events/',
    busName: local.bus,
    sourcePrefix: typeof local.sourcePrefix === 'string' ? local.sourcePrefix : 'pipeline',
  };
}

/** Maps `pulumi stack output --json` (the program's exports in `pulumi/index.ts`) to an environment. Pure. */
export function environmentFromStackOutputs(
  stack: string,
  outputs: Record<string, unknown>,
): ReplayEnvironment {
  const text = (name: string, fallback?: string): string => {
    const value = outputs[name];
    if (typeof value === 'string' && value.length > 0) return value;
    if (fallback !== undefined) return fallback;
    throw new ReplayOptionsError(`pulumi stack ${stack} has no output "${name}"`);
  };
  const arn = outputs.backfillStateMachineArn;
  return {
    name: `pulumi stack ${stack}`,
    local: false,
    region: text('region'),
    endpoints: {},
    streamName: text('streamName'),
    table: text('tableName'),
    bucket: text('bucketName'),
    archivePrefix: text('archivePrefix', 'events/'),
    busName: text('busName'),
    sourcePrefix: text('eventSourcePrefix', 'pipeline'),
    ...(typeof arn === 'string' ? { backfillStateMachineArn: arn } : {}),
  };
}

/** Runs `pulumi stack output --json --show-secrets=false --stack <name>` and maps its outputs. */
export async function pulumiStackEnvironment(stack: string): Promise<ReplayEnvironment> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('pulumi', ['stack', 'output', '--json', '--stack', stack], {
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (cause) {
    throw new ReplayOptionsError(
      `could not read the outputs of pulumi stack ${stack}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return environmentFromStackOutputs(stack, JSON.parse(stdout) as Record<string, unknown>);
}
