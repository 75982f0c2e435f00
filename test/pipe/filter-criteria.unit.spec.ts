import { describe, expect, it } from 'vitest';
import { MAX_FILTER_PATTERN_LENGTH, pipeFilterPattern } from '../../config/bus-routing.js';
import {
  compilePipeFilters,
  decodePipeRecord,
  InvalidPipeConfigError,
  type PipeKinesisRecord,
} from '../../local/pipe/index.js';

const source = {
  sourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  region: 'us-east-1',
  roleArn: 'arn:aws:iam::000000000000:role/pipe',
};

function record(data: unknown): PipeKinesisRecord {
  return {
    data: Buffer.from(JSON.stringify(data)).toString('base64'),
    partitionKey: 'order-1',
    sequenceNumber: '1',
    approximateArrivalTimestamp: 1_700_000_000,
    shardId: 'shardId-000000000000',
  };
}

const compile = (...patterns: string[]) =>
  compilePipeFilters({ Filters: patterns.map((Pattern) => ({ Pattern })) });

describe('Pipes filters accept only the operators Pipes support', () => {
  // The operator table's "Pipe support" column says No for these rows:
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  it.each([
    ['wildcard', '{"data":{"FilePath":[{"wildcard":"dir/*.png"}]}}', '"wildcard"'],
    ['anything-but (begins with)', '{"data":{"Region":[{"anything-but":{"prefix":"us-"}}]}}', '"prefix"'],
    ['anything-but (ends with)', '{"data":{"FileName":[{"anything-but":{"suffix":".png"}}]}}', '"suffix"'],
    [
      'anything-but (ignore case)',
      '{"data":{"state":[{"anything-but":{"equals-ignore-case":"initializing"}}]}}',
      '"equals-ignore-case"',
    ],
    [
      'anything-but using a wildcard',
      '{"data":{"FilePath":[{"anything-but":{"wildcard":"*/lib/*"}}]}}',
      '"wildcard"',
    ],
    ['inside $or', '{"data":{"$or":[{"a":["x"]},{"b":[{"wildcard":"y*"}]}]}}', '"wildcard"'],
  ])('refuses %s at pipe creation', (_name, pattern, operator) => {
    expect(() => compile(pattern)).toThrow(InvalidPipeConfigError);
    expect(() => compile(pattern)).toThrow(
      expect.objectContaining({ message: expect.stringContaining(operator) }),
    );
    expect(() => compile(pattern)).toThrow(/not supported by EventBridge Pipes/);
  });

  // Rows the same table marks as supported in Pipes.
  it.each([
    ['{"data":{"state":[{"anything-but":"initializing"}]}}', { state: 'running' }],
    ['{"data":{"state":[{"anything-but":["stopped","overloaded"]}]}}', { state: 'running' }],
    ['{"data":{"Region":[{"prefix":"us-"}]}}', { Region: 'us-east-1' }],
    ['{"data":{"service":[{"prefix":{"equals-ignore-case":"eventb"}}]}}', { service: 'EventBridge' }],
    ['{"data":{"FileName":[{"suffix":".png"}]}}', { FileName: 'a.png' }],
    ['{"data":{"name":[{"equals-ignore-case":"alice"}]}}', { name: 'ALICE' }],
    ['{"data":{"ip":[{"cidr":"10.0.0.0/24"}]}}', { ip: '10.0.0.7' }],
    ['{"data":{"n":[{"numeric":[">",0,"<=",5]}]}}', { n: 5 }],
    ['{"data":{"x":[{"exists":true}]}}', { x: 1 }],
  ])('accepts and matches %s', (pattern, data) => {
    expect(compile(pattern)(decodePipeRecord(record(data), source))).toBe(true);
  });

  it("accepts the project's own Pipe filter", () => {
    expect(() => compile(pipeFilterPattern(['order', 'customer']))).not.toThrow();
  });
});

describe('Pipes filter pattern length', () => {
  // Filter.Pattern: "Maximum length of 4096" (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_Filter.html).
  const padded = (length: number): string => {
    const base = '{"data":{"a":[""]}}';
    return `{"data":{"a":["${'x'.repeat(length - base.length)}"]}}`;
  };
  it('accepts 4,096 characters and refuses 4,097', () => {
    expect(MAX_FILTER_PATTERN_LENGTH).toBe(4096);
    expect(padded(4096)).toHaveLength(4096);
    expect(() => compile(padded(4096))).not.toThrow();
    expect(() => compile(padded(4097))).toThrow(InvalidPipeConfigError);
  });
});
