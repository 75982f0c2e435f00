/** A bundled Node.js 24 arm64 Lambda function with its own role, inline policy and log group. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { checkIntRange } from './arg-checks.js';
import { type FunctionTracing, tracingVariables } from './function-tracing.js';
import type { BundledHandler } from './handler-bundle.js';
import {
  assumeRolePolicy,
  logWriteStatement,
  type PolicyStatement,
  policyDocument,
  spanExportStatement,
} from './iam-policies.js';
import { stackLogGroup } from './stack-log-group.js';

/**
 * Powertools' settings, written as the environment variables Powertools reads
 * (https://docs.aws.amazon.com/powertools/typescript/latest/environment-variables).
 */
export interface PowertoolsSettings {
  /** `POWERTOOLS_SERVICE_NAME`: the `service` key of every log line and the metrics' service dimension. */
  readonly serviceName: pulumi.Input<string>;
  /** `POWERTOOLS_METRICS_NAMESPACE`; absent for a function that emits no metrics of its own. */
  readonly metricsNamespace?: pulumi.Input<string> | undefined;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: pulumi.Input<string> | undefined;
}

/** Powertools' environment variables for these settings. */
function powertoolsVariables(settings: PowertoolsSettings): Record<string, pulumi.Input<string>> {
  return {
    POWERTOOLS_SERVICE_NAME: settings.serviceName,
    ...(settings.metricsNamespace === undefined
      ? {}
      : { POWERTOOLS_METRICS_NAMESPACE: settings.metricsNamespace }),
    POWERTOOLS_LOG_LEVEL: settings.logLevel ?? 'INFO',
  };
}

/** Arguments of {@link NodeFunction}. */
export interface NodeFunctionArgs {
  /** The bundled handler (code archive and `handler` setting). */
  readonly code: BundledHandler;
  /** What the function may do besides writing its own logs. */
  readonly policyStatements: pulumi.Input<readonly PolicyStatement[]>;
  readonly environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Written as Powertools' environment variables besides `environment`. */
  readonly powertools?: PowertoolsSettings;
  /** @default 256 */
  readonly memoryMb?: pulumi.Input<number>;
  /** @default 30 */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** /tmp size, 512–10,240 MiB (https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html). @default 512 */
  readonly ephemeralStorageMiB?: number;
  /** @default 14 */
  readonly logRetentionDays?: pulumi.Input<number> | undefined;
  readonly description?: pulumi.Input<string>;
  /**
   * The stack's tracing: `TRACING`, `TRACE_SAMPLING_RATIO` and `DEPLOYMENT_ENVIRONMENT` in the environment and, when
   * enabled, `xray:PutSpans` in the role. Absent: none of these, and the function's tracing stays off.
   */
  readonly tracing?: FunctionTracing | undefined;
}

/** One Lambda function: role (trusting only Lambda), inline least-privilege policy, log group, function. */
export class NodeFunction extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly function: aws.lambda.Function;
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;

  constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:compute:NodeFunction', name, {}, opts);
    checkIntRange('NodeFunction', 'memoryMb', args.memoryMb, 128, 10_240);
    checkIntRange('NodeFunction', 'timeoutSeconds', args.timeoutSeconds, 1, 900);
    checkIntRange('NodeFunction', 'ephemeralStorageMiB', args.ephemeralStorageMiB, 512, 10_240);

    // A named log group (rather than Lambda's implicit /aws/lambda/<fn>) so retention is set before the
    // first invocation and the function's policy can name the group's ARN.
    this.logGroup = stackLogGroup(name, args.logRetentionDays, { parent: this });
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify(assumeRolePolicy('lambda.amazonaws.com')),
        description: args.description,
      },
      { parent: this },
    );
    // The region spans are exported to (the function's own), asked for only when tracing is on.
    const tracingRegion =
      args.tracing?.enabled === true ? aws.getRegionOutput({}, { parent: this }).region : undefined;
    this.rolePolicy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: pulumi
          .all([args.policyStatements, this.logGroup.arn, tracingRegion])
          .apply(([statements, logGroupArn, region]) =>
            JSON.stringify(
              policyDocument(
                ...statements,
                logWriteStatement(logGroupArn),
                ...(region === undefined ? [] : [spanExportStatement(region)]),
              ),
            ),
          ),
      },
      { parent: this },
    );
    this.function = new aws.lambda.Function(
      name,
      {
        description: args.description,
        runtime: 'nodejs24.x',
        architectures: ['arm64'],
        handler: args.code.handler,
        code: args.code.archive,
        role: this.role.arn,
        memorySize: args.memoryMb ?? 256,
        timeout: args.timeoutSeconds ?? 30,
        ephemeralStorage: { size: args.ephemeralStorageMiB ?? 512 },
        environment: {
          variables: pulumi.output(args.environment ?? {}).apply((variables) => ({
            ...(args.powertools === undefined ? {} : powertoolsVariables(args.powertools)),
            ...(args.tracing === undefined ? {} : tracingVariables(args.tracing, pulumi.getStack())),
            ...variables,
            // The bundle ships an external source map; stack traces point at the TypeScript sources.
            NODE_OPTIONS: '--enable-source-maps',
          })),
        },
        loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
        // No `tracingConfig` (PassThrough, the default): Active mode has Lambda record X-Ray segments of its own
        // (with xray:PutTraceSegments), traces keyed by X-Amzn-Trace-Id rather than the W3C context the envelope
        // carries, billed on top (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html). The functions
        // export their OpenTelemetry spans themselves (docs/deploy.md, Tracing). PassThrough only honours an upstream
        // X-Ray header, and none comes: HTTP APIs have no X-Ray tracing
        // (https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html).
      },
      // The policy must exist before the first invocation (and before an event source mapping validates it).
      { parent: this, dependsOn: [this.rolePolicy] },
    );
    this.functionName = this.function.name;
    this.functionArn = this.function.arn;
    this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn });
  }
}
