import { describe, expect, it } from 'vitest';
import { type LocalEndpoints, localEndpointsSchema } from '../../local/endpoints/endpoints-file.js';
import { replayTracesUrl } from '../../tools/replay/replay-tracing.js';

const endpointsFile = (otlp?: string): LocalEndpoints =>
  localEndpointsSchema.parse({
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    endpoints: {
      kinesis: 'http://127.0.0.1:1',
      dynamodb: 'http://127.0.0.1:2',
      s3: 'http://127.0.0.1:3',
      ingest: 'http://127.0.0.1:4',
      ...(otlp === undefined ? {} : { otlp }),
    },
    stream: { name: 'events-dev', arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events-dev' },
    table: 'aggregates-dev',
    bucket: 'archive-dev',
    bus: 'ordered-events-dev',
    queues: {},
    ingestToken: 't',
  });

describe('replayTracesUrl', () => {
  it("sends to the local stack's receiver when its endpoints.json names one", () => {
    expect(replayTracesUrl({ source: 'data-dir' }, endpointsFile('http://127.0.0.1:4318'))).toBe(
      'http://127.0.0.1:4318/v1/traces',
    );
  });

  it('does not trace against a local stack without a receiver (tracing off, or an older endpoints.json)', () => {
    expect(replayTracesUrl({ source: 'data-dir' }, endpointsFile())).toBeUndefined();
    expect(replayTracesUrl({ source: 'data-dir' }, undefined)).toBeUndefined();
  });

  it('does not trace in other environments, whatever a local endpoints.json says', () => {
    for (const source of ['stack', 'explicit'] as const)
      expect(replayTracesUrl({ source }, endpointsFile('http://127.0.0.1:4318'))).toBeUndefined();
  });
});
