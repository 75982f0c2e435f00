/**
 * The policy pack as `pulumi preview --policy-pack policy` runs it: Pulumi's own runner
 * (`@pulumi/pulumi/cmd/run-policy-pack`) loads `policy/`, serves the Analyzer over gRPC, and the calls
 * below are the ones the engine makes (GetAnalyzerInfo, Analyze per resource, AnalyzeStack at the end).
 */
import { fileURLToPath } from 'node:url';
import { runtime } from '@pulumi/pulumi';
import analyzerPb from '@pulumi/pulumi/proto/analyzer_pb.js';
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinePolicies, TYPES } from '../../policy/policies.js';
import { COMPLIANT_EVENT_SOURCE_MAPPING } from './policy-harness.js';
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

/** A resource as the engine describes it to AnalyzeStack; `dependsOn` maps a property to resource URNs. */
function stackResource(
  type: string,
  name: string,
  props: Props,
  dependsOn: Record<string, string[]> = {},
): analyzerPb.AnalyzerResource {
  const resource = new analyzerPb.AnalyzerResource()
    .setType(type)
    .setName(name)
    .setUrn(urnOf(type, name))
    .setProperties(structPb.Struct.fromJavaScript(props))
    .setOptions(new analyzerPb.AnalyzerResourceOptions())
    .setDependenciesList([...new Set(Object.values(dependsOn).flat())]);
  for (const [property, urns] of Object.entries(dependsOn)) {
    resource
      .getPropertydependenciesMap()
      .set(property, new analyzerPb.AnalyzerPropertyDependencies().setUrnsList(urns));
  }
  return resource;
}

function diagnostics(response: analyzerPb.AnalyzeResponse) {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
  }));
}

const compliantMapping = COMPLIANT_EVENT_SOURCE_MAPPING as Props;

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
    const latest = await analyzer.analyze(
      analyzeRequest(TYPES.eventSourceMapping, 'processor-source', {
        ...compliantMapping,
        startingPosition: 'LATEST',
      }),
    );
    expect(diagnostics(latest)).toEqual([
      {
        policy: 'stream-reader-no-latest-start',
        level: EnforcementLevel.MANDATORY,
        message: expect.stringMatching(/LATEST/),
      },
    ]);
    const compliant = await analyzer.analyze(
      analyzeRequest(TYPES.eventSourceMapping, 'processor-source', compliantMapping),
    );
    expect(diagnostics(compliant)).toEqual([]);
    const plaintext = await analyzer.analyze(
      analyzeRequest(TYPES.kinesisStream, 'events', { encryptionType: 'NONE' }),
    );
    expect(diagnostics(plaintext).map((d) => d.policy)).toEqual(['kinesis-stream-encrypted']);
  });

  it('judges stack policies by property dependencies while values are still unknown (preview)', async () => {
    const unknown = runtime.unknownValue;
    const bucket = stackResource(TYPES.bucket, 'archive', { bucket: unknown, arn: unknown });
    const on = { bucket: [bucket.getUrn()] };
    const hardened = [
      bucket,
      stackResource(
        TYPES.bucketEncryption,
        'archive-encryption',
        {
          bucket: unknown,
          rules: [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: unknown } },
          ],
        },
        on,
      ),
      stackResource(
        TYPES.bucketVersioning,
        'archive-versioning',
        { bucket: unknown, versioningConfiguration: { status: 'Enabled' } },
        on,
      ),
      stackResource(
        TYPES.bucketPublicAccessBlock,
        'archive-public-access',
        {
          bucket: unknown,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        on,
      ),
      stackResource(TYPES.bucketPolicy, 'archive-tls-only', { bucket: unknown, policy: unknown }, on),
    ];
    const clean = await analyzer.analyzeStack(
      new analyzerPb.AnalyzeStackRequest().setResourcesList(hardened),
    );
    expect(diagnostics(clean)).toEqual([]);

    const bare = stackResource(TYPES.bucket, 'bare', { bucket: unknown, arn: unknown });
    const reported = await analyzer.analyzeStack(
      new analyzerPb.AnalyzeStackRequest().setResourcesList([...hardened, bare]),
    );
    expect(diagnostics(reported).map((d) => [d.policy, d.level])).toEqual([
      ['s3-bucket-hardened', EnforcementLevel.MANDATORY],
      ['s3-bucket-hardened', EnforcementLevel.MANDATORY],
      ['s3-bucket-hardened', EnforcementLevel.MANDATORY],
      ['s3-bucket-tls-only', EnforcementLevel.MANDATORY],
    ]);
  });
});
