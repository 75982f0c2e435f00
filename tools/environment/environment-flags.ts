import { EnvironmentError } from './errors.js';

/** The environment flags every tool accepts (`node:util` parseArgs options). */
export const ENVIRONMENT_OPTIONS = {
  'data-dir': { type: 'string' },
  stack: { type: 'string' },
  stream: { type: 'string' },
  table: { type: 'string' },
  bucket: { type: 'string' },
  bus: { type: 'string' },
  'archive-prefix': { type: 'string' },
  'source-prefix': { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  's3-path-style': { type: 'boolean' },
} as const;

/** The help text of the environment flags, shared by every tool's usage. */
export const ENVIRONMENT_USAGE = `Environment (one of the three forms; default: the local stack in .local or $PIPELINE_DATA_DIR):
  --data-dir <dir>        the local stack's endpoints.json in <dir>
  --stack <name>          a Pulumi stack's outputs (pulumi stack output --json)
  explicit form           any AWS-compatible endpoint; region, credentials and endpoints come from the standard
                          AWS environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>)
    --stream <name>       the Kinesis stream
    --table <name>        the aggregate table (DynamoDB)
    --bucket <name>       the archive bucket (S3); --archive-prefix <p> (default events/)
    --bus <name>          the event bus; --source-prefix <p> (default pipeline)
    --url <ingest URL>    the ingest API; --token <token> (or $PIPELINE_INGEST_TOKEN)
    --s3-path-style       path-style S3 requests (default on when AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL is set)`;

/** The environment flags as given on the command line. */
export interface EnvironmentFlags {
  readonly dataDir?: string;
  readonly stack?: string;
  readonly stream?: string;
  readonly table?: string;
  readonly bucket?: string;
  readonly bus?: string;
  readonly archivePrefix?: string;
  readonly sourcePrefix?: string;
  readonly url?: string;
  readonly token?: string;
  readonly s3PathStyle?: boolean;
}

/** The flags of the explicit form, in `--flag` spelling, by field. */
export const EXPLICIT_FLAG_NAMES = {
  stream: '--stream',
  table: '--table',
  bucket: '--bucket',
  bus: '--bus',
  archivePrefix: '--archive-prefix',
  sourcePrefix: '--source-prefix',
  url: '--url',
  token: '--token',
  s3PathStyle: '--s3-path-style',
} as const;

/** Picks the environment flags out of parseArgs values. */
export function readEnvironmentFlags(values: Readonly<Record<string, unknown>>): EnvironmentFlags {
  const out: Record<string, string | boolean> = {};
  const names: Record<string, keyof EnvironmentFlags> = {
    'data-dir': 'dataDir',
    stack: 'stack',
    stream: 'stream',
    table: 'table',
    bucket: 'bucket',
    bus: 'bus',
    'archive-prefix': 'archivePrefix',
    'source-prefix': 'sourcePrefix',
    url: 'url',
    token: 'token',
    's3-path-style': 's3PathStyle',
  };
  for (const [flag, field] of Object.entries(names)) {
    const value = values[flag];
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'boolean') {
      throw new EnvironmentError(`--${flag} is given more than once`);
    }
    out[field] = value;
  }
  return out as EnvironmentFlags;
}
