import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BRIDGED_AGGREGATE_TYPES, parsePipelineConfig } from '../../config/config-schema.js';
import { ComponentArgsError } from '../../pulumi/errors.js';
import {
  installMocks,
  named,
  ofType,
  output,
  parsePolicy,
  type RecordedResource,
  stubBundler,
  waitForRegistrations,
} from './pulumi-mocks.js';

const PIPE = 'aws:pipes/pipe:Pipe';
const RULE = 'aws:cloudwatch/eventRule:EventRule';

/** The filter patterns of a recorded Pipe. */
function filterPatterns(pipe: RecordedResource | undefined): string[] {
  const source = pipe?.inputs.sourceParameters as
    | { filterCriteria?: { filters?: { pattern: string }[] } }
    | undefined;
  return (source?.filterCriteria?.filters ?? []).map((f) => f.pattern);
}

/** `n` distinct aggregate types of the longest allowed length (64 characters). */
const longestTypes = (n: number) => Array.from({ length: n }, (_, i) => `${i}`.padStart(64, 't'));

let resources: RecordedResource[];
let BusBridge: typeof import('../../pulumi/bus-bridge.js').BusBridge;

function bridgeArgs(name: string, aggregateTypes: readonly string[] = ['order']) {
  return {
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
    streamKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    accountId: '123456789012',
    busName: `${name}-bus`,
    sourcePrefix: 'pipeline',
    aggregateTypes,
    enrichmentCode: stubBundler()({ entry: 'processors/bus-bridge/handler.ts' }),
  };
}

function bridge(name: string, aggregateTypes: readonly string[]) {
  return new BusBridge(name, bridgeArgs(name, aggregateTypes));
}

beforeAll(async () => {
  resources = await installMocks('dev');
  ({ BusBridge } = await import('../../pulumi/bus-bridge.js'));
  bridge('many', ['order', 'customer', 'invoice']);
  bridge('most', longestTypes(MAX_BRIDGED_AGGREGATE_TYPES));
  await waitForRegistrations();
});

describe('BusBridge', () => {
  it('reads the stream with one Pipe whatever the number of aggregate types, and keeps a rule per type', () => {
    const pipes = ofType(resources, PIPE).filter((r) => r.name.startsWith('many-'));
    expect(pipes.map((p) => p.name)).toEqual(['many-pipe']);
    const filter = filterPatterns(pipes[0]);
    expect(filter).toHaveLength(1);
    expect(JSON.parse(filter[0] ?? '{}').data.aggregateType).toEqual(['order', 'customer', 'invoice']);
    const rules = ofType(resources, RULE).filter((r) => r.name.startsWith('many-'));
    expect(rules.map((r) => JSON.parse(r.inputs.eventPattern as string))).toEqual([
      { source: ['pipeline.order'] },
      { source: ['pipeline.customer'] },
      { source: ['pipeline.invoice'] },
    ]);
  });

  it('fits the most aggregate types the config allows in the Pipe filter’s 4096 characters', () => {
    const [pipe] = ofType(resources, PIPE).filter((r) => r.name.startsWith('most-'));
    const [pattern] = filterPatterns(pipe);
    expect(pattern?.length).toBeLessThanOrEqual(4096);
    expect(() =>
      parsePipelineConfig({ bus: { aggregateTypes: longestTypes(MAX_BRIDGED_AGGREGATE_TYPES + 1) } }),
    ).toThrow(/bus\.aggregateTypes/);
  });

  it('refuses a source prefix the envelope size limit has no room for', () => {
    const args = { ...bridgeArgs('long'), sourcePrefix: 'p'.repeat(65) };
    expect(() => new BusBridge('long', args)).toThrow(/at most 64/);
  });

  it('refuses aggregate types whose filter pattern a Pipe would not take', () => {
    expect(() => bridge('too-many', longestTypes(70))).toThrow(ComponentArgsError);
    expect(() => bridge('too-many', longestTypes(70))).toThrow(/4096/);
  });

  it('lets the Pipe invoke only its own enrichment', () => {
    const policy = ofType(resources, 'aws:iam/rolePolicy:RolePolicy').find(
      (r) => r.name === 'many-pipe-policy',
    );
    const invoke = parsePolicy(policy?.inputs.policy).Statement.filter((s) =>
      s.Action.includes('lambda:InvokeFunction'),
    );
    expect(invoke).toEqual([
      expect.objectContaining({
        Action: ['lambda:InvokeFunction'],
        Resource: [output(named(resources, 'aws:lambda/function:Function', 'many-enrichment'), 'arn')],
      }),
    ]);
  });
});
