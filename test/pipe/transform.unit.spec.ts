import { describe, expect, it } from 'vitest';
import {
  compileEventBusTarget,
  compileInputTemplate,
  compilePipeFilters,
  decodePipeRecord,
  evaluateJsonPath,
  InvalidInputTemplateError,
  InvalidJsonPathError,
  InvalidPipeConfigError,
  type PipeKinesisRecord,
  PipeRecordError,
  parseJsonPath,
  renderInputTemplate,
} from '../../local/pipe/index.js';

const source = {
  sourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  region: 'us-east-1',
  roleArn: 'arn:aws:iam::000000000000:role/pipe',
};

function record(data: unknown, sequenceNumber = '1', partitionKey = 'order-1'): PipeKinesisRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    data: Buffer.from(text, 'utf8').toString('base64'),
    partitionKey,
    sequenceNumber,
    approximateArrivalTimestamp: 1_545_084_650.987,
    shardId: 'shardId-000000000006',
  };
}

const envelope = {
  eventId: '01J0000000000000000000000A',
  aggregateType: 'order',
  aggregateId: 'order-1',
  sequence: 2,
  type: 'ItemAdded',
  schemaVersion: 1,
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: { sku: 'A-1', quantity: 2, unitPrice: 9.5 },
};

describe('Function: decodePipeRecord', () => {
  it('parses JSON data and adds the Kinesis metadata Pipes shows', () => {
    const { event, dataIsJson } = decodePipeRecord(record(envelope, '4959'), source);
    expect(dataIsJson).toBe(true);
    expect(event).toEqual({
      kinesisSchemaVersion: '1.0',
      partitionKey: 'order-1',
      sequenceNumber: '4959',
      data: envelope,
      approximateArrivalTimestamp: 1_545_084_650.987,
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:4959',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: source.roleArn,
      awsRegion: 'us-east-1',
      eventSourceARN: source.sourceArn,
    });
  });

  it('keeps non-JSON data as base64', () => {
    const raw = record('Hello, this is a test.');
    const { event, dataIsJson } = decodePipeRecord(raw, source);
    expect(dataIsJson).toBe(false);
    expect(event.data).toBe(raw.data);
  });
});

describe('Function: compilePipeFilters', () => {
  const pass = (filters: string[] | undefined, data: unknown, partitionKey = 'order-1') =>
    compilePipeFilters(filters && { Filters: filters.map((Pattern) => ({ Pattern })) })(
      decodePipeRecord(record(data, '1', partitionKey), source),
    );

  it('passes everything without filters', () => {
    expect(pass(undefined, envelope)).toBe(true);
    expect(pass([], 'not json')).toBe(true);
  });

  it('matches metadata and decoded data together (AWS example: partitionKey and City)', () => {
    const filter = ['{ "partitionKey": [ "1" ], "data": { "City": [ "Seattle" ] } }'];
    expect(pass(filter, { City: 'Seattle', State: 'WA' }, '1')).toBe(true);
    expect(pass(filter, { City: 'Portland' }, '1')).toBe(false);
    expect(pass(filter, { City: 'Seattle' }, '2')).toBe(false);
  });

  it('passes a record when any filter matches', () => {
    const filters = ['{"data":{"type":["OrderPlaced"]}}', '{"data":{"type":["ItemAdded"]}}'];
    expect(pass(filters, envelope)).toBe(true);
    expect(pass(filters, { ...envelope, type: 'OrderPaid' })).toBe(false);
  });

  it('uses the full pattern language on data', () => {
    const filters = ['{"data":{"aggregateType":["order"],"data":{"quantity":[{"numeric":[">=",2]}]}}}'];
    expect(pass(filters, envelope)).toBe(true);
    expect(pass(filters, { ...envelope, data: { ...envelope.data, quantity: 1 } })).toBe(false);
  });

  it('drops non-JSON data for a data pattern, and matches it on metadata for a metadata-only pattern', () => {
    expect(pass(['{"data":{"type":[{"exists":false}]}}'], 'plain text')).toBe(false);
    expect(pass(['{"partitionKey":["order-1"]}'], 'plain text')).toBe(true);
  });

  it('filters on metadata such as sequenceNumber together with data', () => {
    expect(pass(['{"data":{"type":["ItemAdded"]},"sequenceNumber":[{"exists":true}]}'], envelope)).toBe(true);
  });

  it.each([
    ['bad JSON', '{"data":', /not valid JSON/],
    ['bad operator', '{"data":{"type":[{"contains":"x"}]}}', /unrecognized match type/],
    ['data pattern not an object', '{"data":["x"]}', /must be a JSON object/],
    ['poller field', '{"awsRegion":["us-east-1"]}', /awsRegion/],
  ])('rejects a %s at creation', (_name, pattern, message) => {
    expect(() => compilePipeFilters({ Filters: [{ Pattern: pattern }] })).toThrow(InvalidPipeConfigError);
    expect(() => compilePipeFilters({ Filters: [{ Pattern: pattern }] })).toThrow(message);
  });
});

describe('Function: JSON paths', () => {
  it('supports dot names with dashes and underscores, indexes and wildcards', () => {
    const value = { a: { 'b-c': [{ d_e: 1 }, { d_e: 2 }] } };
    expect(evaluateJsonPath(parseJsonPath('$.a.b-c[1].d_e'), value)).toBe(2);
    expect(evaluateJsonPath(parseJsonPath('$.a.b-c[*].d_e'), value)).toEqual([1, 2]);
    expect(evaluateJsonPath(parseJsonPath('$'), value)).toBe(value);
    expect(evaluateJsonPath(parseJsonPath('$.x.y'), value)).toBeUndefined();
  });

  it.each(['data.x', '$.', '$.a b', "$['a']", '$.a[x]'])('rejects %s', (path) => {
    expect(() => parseJsonPath(path)).toThrow(InvalidJsonPathError);
  });
});

describe('Function: renderInputTemplate', () => {
  const event = decodePipeRecord(record(envelope), source).event;

  it('wraps the whole envelope: {"envelope": <$.data>} (docs/design.md §4)', () => {
    expect(JSON.parse(renderInputTemplate('{"envelope": <$.data>}', event))).toEqual({ envelope });
  });

  it('renders values as JSON outside strings and as text inside strings', () => {
    const out = renderInputTemplate(
      '{"type": <$.data.type>, "qty": <$.data.data.quantity>, "label": "<$.data.type> x<$.data.data.quantity>", "missing": <$.data.nope>, "blank": "<$.data.nope>"}',
      event,
    );
    expect(JSON.parse(out)).toEqual({
      type: 'ItemAdded',
      qty: 2,
      label: 'ItemAdded x2',
      missing: null,
      blank: '',
    });
  });

  it('escapes quotes in values placed inside strings', () => {
    const quoted = decodePipeRecord(record({ note: 'say "hi"\\' }), source).event;
    expect(JSON.parse(renderInputTemplate('{"n": "<$.data.note>!"}', quoted))).toEqual({ n: 'say "hi"\\!' });
  });

  it('renders reserved variables', () => {
    const out = renderInputTemplate(
      '{"pipe": <aws.pipes.pipe-name>, "arn": <aws.pipes.pipe-arn>, "at": <aws.pipes.event.ingestion-time>, "original": <aws.pipes.event.json>, "escaped": <aws.pipes.event>}',
      event,
      { pipeName: 'p', pipeArn: 'arn:p', ingestionTime: new Date('2026-02-03T04:05:06.000Z') },
    );
    const parsed = JSON.parse(out);
    expect(parsed).toMatchObject({
      pipe: 'p',
      arn: 'arn:p',
      at: '2026-02-03T04:05:06.000Z',
      original: event,
    });
    expect(JSON.parse(parsed.escaped)).toEqual(event);
  });

  it('renders free text templates', () => {
    expect(renderInputTemplate('Hello, <$.partitionKey>', event)).toBe('Hello, "order-1"');
    expect(compileInputTemplate('Hello').rendersJson).toBe(false);
    expect(compileInputTemplate('{"a": <$.data>}').rendersObject).toBe(true);
    expect(compileInputTemplate('<$.data>').rendersObject).toBe(false);
  });

  it('leaves "<" that starts no placeholder alone', () => {
    expect(JSON.parse(renderInputTemplate('{"cmp": "a < b", "x": <$.data.sequence>}', event))).toEqual({
      cmp: 'a < b',
      x: 2,
    });
  });

  it.each([
    ['an unclosed placeholder', '{"a": <$.data}', 6],
    ['a bad path', '{"a": <$.data..x>}', 6],
    ['an unknown reserved variable', '{"a": <aws.pipes.nope>}', 6],
    ['event.json inside a string', '{"a": "<aws.pipes.event.json>"}', 7],
  ])('rejects %s, naming the position', (_name, template, position) => {
    const compile = () => compileInputTemplate(template);
    expect(compile).toThrow(InvalidInputTemplateError);
    expect(compile).toThrow(expect.objectContaining({ position }));
  });
});

describe('Function: compileEventBusTarget', () => {
  const event = decodePipeRecord(record(envelope), source).event;

  it('resolves static values and whole-value JSON paths against the source event', () => {
    const target = compileEventBusTarget({
      eventBusName: 'pipeline',
      detailType: '$.data.type',
      source: 'pipeline.order',
    });
    expect(target.toEntry(event, '{"envelope":{}}')).toEqual({
      EventBusName: 'pipeline',
      DetailType: 'ItemAdded',
      Source: 'pipeline.order',
      Detail: '{"envelope":{}}',
    });
  });

  it('fails the record when a path finds nothing', () => {
    const target = compileEventBusTarget({ eventBusName: 'b', detailType: '$.data.missing', source: 's' });
    expect(() => target.toEntry(event, '{}')).toThrow(PipeRecordError);
  });

  it('rejects bad parameters at creation', () => {
    expect(() => compileEventBusTarget({ eventBusName: 'b', detailType: '', source: 's' })).toThrow(
      InvalidPipeConfigError,
    );
    expect(() => compileEventBusTarget({ eventBusName: 'b', detailType: '$.a..b', source: 's' })).toThrow(
      InvalidPipeConfigError,
    );
  });
});
