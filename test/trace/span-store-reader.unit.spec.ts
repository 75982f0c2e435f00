import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeAnyValue,
  readSpanStore,
  spanStoreFiles,
  spansOfExportRequest,
} from '../../local/traces/span-store-reader.js';
import { useTempDir } from '../support/temp-dir.js';
import { T0, writeScenarioStore } from './span-store-fixture.js';

const tempDir = useTempDir('span-store-reader-');

describe('decodeAnyValue', () => {
  it('decodes every OTLP AnyValue kind, int64 given as a string or a number', () => {
    expect(decodeAnyValue({ stringValue: 'o-123' })).toBe('o-123');
    expect(decodeAnyValue({ boolValue: true })).toBe(true);
    expect(decodeAnyValue({ intValue: '42' })).toBe(42);
    expect(decodeAnyValue({ intValue: 7 })).toBe(7);
    expect(decodeAnyValue({ doubleValue: 1.5 })).toBe(1.5);
    expect(decodeAnyValue({ bytesValue: Buffer.from([1, 2, 255]).toString('base64') })).toEqual(
      new Uint8Array([1, 2, 255]),
    );
    expect(decodeAnyValue({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } })).toEqual([
      'a',
      2,
    ]);
    expect(decodeAnyValue({ kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } })).toEqual({
      k: false,
    });
    expect(decodeAnyValue({})).toBeNull();
  });
});

describe('spansOfExportRequest', () => {
  it('flattens resource and scope spans with service name, kind, parent, times, events, links and status', () => {
    const [span] = spansOfExportRequest({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'stream-processor' } }] },
          scopeSpans: [
            {
              scope: { name: 'x' },
              spans: [
                {
                  traceId: 'aa'.repeat(16),
                  spanId: 'bb'.repeat(8),
                  parentSpanId: '',
                  name: 'process pipeline-events',
                  kind: 5,
                  startTimeUnixNano: '1768469400000000000',
                  endTimeUnixNano: 1768469400008000000,
                  attributes: [{ key: 'messaging.batch.message_count', value: { intValue: '2' } }],
                  events: [
                    {
                      name: 'quarantined',
                      timeUnixNano: '1768469400005000000',
                      attributes: [{ key: 'pipeline.reason', value: { stringValue: 'schema' } }],
                    },
                  ],
                  links: [
                    {
                      traceId: 'cc'.repeat(16),
                      spanId: 'dd'.repeat(8),
                      attributes: [{ key: 'messaging.message.id', value: { stringValue: 'e-1' } }],
                    },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(span).toMatchObject({
      serviceName: 'stream-processor',
      parentSpanId: undefined,
      kind: 'consumer',
      startTimeUnixNano: 1768469400000000000n,
      attributes: { 'messaging.batch.message_count': 2 },
      events: [
        {
          name: 'quarantined',
          timeUnixNano: 1768469400005000000n,
          attributes: { 'pipeline.reason': 'schema' },
        },
      ],
      links: [
        { traceId: 'cc'.repeat(16), spanId: 'dd'.repeat(8), attributes: { 'messaging.message.id': 'e-1' } },
      ],
      status: { code: 'error', message: 'boom' },
    });
    expect(span?.endTimeUnixNano).toBe(BigInt(1768469400008000000));
  });
});

describe('span kinds', () => {
  it('reads the integer enum of OTLP JSON and the named one of protobuf JSON', () => {
    const kinds = [2, 3, 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER', undefined, 42].map(
      (kind) =>
        spansOfExportRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ spanId: 'a', kind }] }] }] })[0]
          ?.kind,
    );
    expect(kinds).toEqual(['server', 'client', 'producer', 'consumer', 'unspecified', 'unspecified']);
  });
});

describe('readSpanStore', () => {
  it('is undefined without a store', async () => {
    expect(await readSpanStore(join(tempDir(), 'none'), () => true)).toBeUndefined();
  });

  it('lists spans-<n>.jsonl by number, ignoring other files', async () => {
    const dir = join(tempDir(), 'listing');
    await mkdir(join(dir, 'traces'), { recursive: true });
    for (const name of ['spans-10.jsonl', 'spans-2.jsonl', 'notes.txt', 'spans-x.jsonl'])
      await writeFile(join(dir, 'traces', name), '');
    expect((await spanStoreFiles(dir)).map((file) => file.split('/').at(-1))).toEqual([
      'spans-2.jsonl',
      'spans-10.jsonl',
    ]);
  });

  it('reads every file, skips a torn last line, and keeps the matching spans with their parents and children', async () => {
    const dir = join(tempDir(), 'scenario');
    await writeScenarioStore(dir);
    const read = await readSpanStore(dir, (a) => a['messaging.message.id'] === 'e-2');
    if (read === undefined) throw new Error('no store');
    expect(read.stats).toMatchObject({ files: 2, unreadableLines: 1 });
    const names = read.index.spans.map((span) => span.name).sort();
    // create/publish/deliver/queue carry the id; the batch and archive link it; the write's event carries it; the
    // request is the create span's parent. Its other children (e-5's and e-q's records, PutRecords) are not kept.
    expect(names).toEqual(
      [
        'POST /events',
        'archive pipeline-events',
        'create pipeline-events',
        'deliver order-events',
        'process order-events',
        'process pipeline-events',
        'publish pipeline-bus',
        'write pipeline-aggregates',
      ].sort(),
    );
    expect(read.index.event('e-2')).toEqual({
      eventId: 'e-2',
      aggregateType: 'order',
      aggregateId: 'o-123',
      sequence: 2,
    });
    const request = read.index.spans.find((span) => span.kind === 'server');
    expect(request?.serviceName).toBe('ingest');
    expect(Number(request?.startTimeUnixNano) / 1e6).toBeCloseTo(T0 + 400, 3);
  });

  it('indexes events by aggregate, by sequence, from span attributes, links and events', async () => {
    const dir = join(tempDir(), 'aggregate');
    await writeScenarioStore(dir);
    const read = await readSpanStore(
      dir,
      (a) => a['pipeline.aggregate.type'] === 'order' && a['pipeline.aggregate.id'] === 'o-123',
    );
    expect(read?.index.eventsOfAggregate('order', 'o-123').map((e) => `${e.sequence}:${e.eventId}`)).toEqual([
      '1:e-1',
      '2:e-2',
      '3:e-3',
      '5:e-5',
      '6:e-q',
    ]);
    expect(read?.index.eventsOfAggregate('order', 'o-999')).toEqual([]);
  });
});
