/**
 * The policy pack as `pulumi preview --policy-pack policy` runs it: Pulumi's own runner
 * (`@pulumi/pulumi/cmd/run-policy-pack`) loads `policy/`, serves the Analyzer over gRPC, and the calls
 * below are the ones the engine makes (GetAnalyzerInfo, Analyze per resource, AnalyzeStack at the end).
 */
import { fileURLToPath } from 'node:url';
import analyzerPb from '@pulumi/pulumi/proto/analyzer_pb.js';
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinePolicies, TYPES } from '../../policy/policies.js';
import {
  type AnalyzerCalls,
  analyzerClient,
  type RunningPolicyPack,
  startPolicyPack,
} from './policy-pack-process.js';

const PACK_DIR = fileURLToPath(new URL('../../policy/', import.meta.url));
const { EnforcementLevel } = analyzerPb;

type Props = Record<string, structPb.JavaScriptValue>;

function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::ordered-event-pipeline::${type}::${name}`;
}

/** A resource as the engine describes it to Analyze. */
function analyzeRequest(type: string, name: string, props: Props): analyzerPb.AnalyzeRequest {
  return new analyzerPb.AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name))
    .setProperties(structPb.Struct.fromJavaScript(props))
    .setOptions(new analyzerPb.AnalyzerResourceOptions());
}

function diagnostics(response: analyzerPb.AnalyzeResponse) {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
  }));
}

const compliantMapping: Props = {
  eventSourceArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
  functionName: 'arn:aws:lambda:us-east-1:123456789012:function:processor',
  startingPosition: 'TRIM_HORIZON',
  functionResponseTypes: ['ReportBatchItemFailures'],
  bisectBatchOnFunctionError: true,
  parallelizationFactor: 1,
  maximumRetryAttempts: 10,
  destinationConfig: { onFailure: { destinationArn: 'arn:aws:s3:::dead-letters' } },
};

describe("policy/ under Pulumi's policy-pack runner", () => {
  let pack: RunningPolicyPack | undefined;
  let analyzer: AnalyzerCalls;

  beforeAll(async () => {
    pack = await startPolicyPack(PACK_DIR);
    analyzer = analyzerClient(pack.port);
  });

  afterAll(async () => {
    analyzer?.close();
    await pack?.stop();
  });

  it('starts and lists every policy of the pack with its enforcement level', async () => {
    const info = await analyzer.getAnalyzerInfo();
    expect(info.getName()).toBe('ordered-event-pipeline');
    const served = Object.fromEntries(
      info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]),
    );
    const level = { advisory: EnforcementLevel.ADVISORY, mandatory: EnforcementLevel.MANDATORY };
    expect(served).toEqual(
      Object.fromEntries(
        pipelinePolicies.map((p) => [p.name, level[p.enforcementLevel as 'advisory' | 'mandatory']]),
      ),
    );
  });

  it('reports a mandatory violation for a resource that breaks a rule and nothing for a compliant one', async () => {
    const plaintext = await analyzer.analyze(
      analyzeRequest(TYPES.kinesisStream, 'events', { encryptionType: 'NONE' }),
    );
    expect(diagnostics(plaintext)).toEqual([
      {
        policy: 'kinesis-stream-encrypted',
        level: EnforcementLevel.MANDATORY,
        message: expect.stringMatching(/KMS/),
      },
    ]);
    const compliant = await analyzer.analyze(
      analyzeRequest(TYPES.eventSourceMapping, 'processor-source', compliantMapping),
    );
    expect(diagnostics(compliant)).toEqual([]);
  });
});
