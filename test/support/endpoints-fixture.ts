import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from './aws-clients.js';
import type { LocalAwsFixture } from './processor-fixture.js';

/**
 * Writes `<dir>/endpoints.json` pointing at the fixture's DynamoDB and S3 (no Kinesis, no ingest: port 1), so the
 * tools' `--data-dir` form reads this table, bucket and these bus queue files.
 */
export async function writeFixtureEndpoints(
  dir: string,
  aws: LocalAwsFixture,
  table: string,
  queues: Readonly<Record<string, string>> = {},
): Promise<void> {
  await writeFile(
    join(dir, 'endpoints.json'),
    JSON.stringify({
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
      endpoints: {
        kinesis: 'http://127.0.0.1:1',
        dynamodb: aws.dynamo.endpoint,
        s3: aws.s3.endpoint,
        ingest: 'http://127.0.0.1:1',
      },
      stream: { name: 'events', arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events' },
      table,
      bucket: aws.bucket,
      bus: 'bus',
      queues,
      ingestToken: 'token',
    }),
  );
}
