import { join, resolve } from 'node:path';
import { z } from 'zod';
import { JsonFileError, readJsonFile } from '../../processors/files/index.js';
import { writePrivateJsonFile } from './private-json-file.js';

/** The `<data dir>/endpoints.json` contract (docs/design.md §5): how every tool finds the local stack. */
export const localEndpointsSchema = z.looseObject({
  region: z.string().min(1),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  endpoints: z.looseObject({
    kinesis: z.url(),
    dynamodb: z.url(),
    s3: z.url(),
    ingest: z.url(),
    /** `PutEvents` into the local bus (absent in files written before it existed). */
    eventbridge: z.url().optional(),
    /** The OTLP/HTTP receiver's base URL (spans to `<otlp>/v1/traces`); absent when tracing is off or in older files. */
    otlp: z.url().optional(),
  }),
  stream: z.looseObject({ name: z.string().min(1), arn: z.string().min(1) }),
  table: z.string().min(1),
  bucket: z.string().min(1),
  bus: z.string().min(1),
  queues: z.record(z.string(), z.string()),
  ingestToken: z.string().min(1),
});

/** The parsed endpoints file. */
export type LocalEndpoints = z.infer<typeof localEndpointsSchema>;

/** The name of the file inside the data directory. */
export const ENDPOINTS_FILE = 'endpoints.json';

/** The local stack's data directory: `--data-dir`, else `PIPELINE_DATA_DIR`, else `.local`. */
export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.PIPELINE_DATA_DIR ?? '.local');
}

/** Thrown when the endpoints file exists but is not valid. */
export class InvalidEndpointsFileError extends Error {
  override readonly name = 'InvalidEndpointsFileError';
}

/**
 * Reads `<dataDir>/endpoints.json`; returns undefined when there is none (no local stack has run there).
 * @example const local = await readLocalEndpoints(resolveDataDir());
 */
export async function readLocalEndpoints(dataDir: string): Promise<LocalEndpoints | undefined> {
  const file = join(dataDir, ENDPOINTS_FILE);
  let value: unknown;
  try {
    value = await readJsonFile(file);
  } catch (error) {
    if (!(error instanceof JsonFileError)) throw error;
    throw new InvalidEndpointsFileError(
      `${file} is not JSON; restart the local stack (npm start) to rewrite it`,
    );
  }
  if (value === undefined) return undefined;
  const parsed = localEndpointsSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InvalidEndpointsFileError(`${file} does not have the endpoints.json shape: ${problems}`);
  }
  return parsed.data;
}

/**
 * Writes `<dataDir>/endpoints.json` readable by its owner only (0600): it holds the ingest token.
 * @example await writeLocalEndpoints('.local', endpoints);
 */
export async function writeLocalEndpoints(dataDir: string, endpoints: LocalEndpoints): Promise<void> {
  await writePrivateJsonFile(join(dataDir, ENDPOINTS_FILE), endpoints);
}

/** The endpoints as they may be printed: everything but the ingest token (pure). */
export function withoutIngestToken<T extends LocalEndpoints>(endpoints: T): Omit<T, 'ingestToken'> {
  const { ingestToken: _secret, ...printable } = endpoints;
  return printable;
}
