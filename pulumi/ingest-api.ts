/** The ingest API: HTTP API `POST /events` → bundled ingest Lambda → Kinesis, with a bearer token and throttling. */
import { randomBytes } from 'node:crypto';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { IngestEnvironment } from '../processors/ingest/config.js';
import { checkIntRange } from './arg-checks.js';
import { ComponentArgsError } from './errors.js';
import type { FunctionTracing } from './function-tracing.js';
import type { BundledHandler } from './handler-bundle.js';
import { ingestStatements } from './iam-policies.js';
import { NodeFunction } from './node-function.js';
import { stackLogGroup } from './stack-log-group.js';

/** The API's one route. */
export const INGEST_ROUTE_KEY = 'POST /events';

/** Arguments of {@link IngestApi}. */
export interface IngestApiArgs {
  readonly streamName: pulumi.Input<string>;
  readonly streamArn: pulumi.Input<string>;
  readonly streamKeyArn: pulumi.Input<string>;
  /** KMS key of the token secret. */
  readonly dataKeyArn: pulumi.Input<string>;
  /** The bundled `processors/ingest/handler.ts`. */
  readonly code: BundledHandler;
  /** Steady-state requests per second. @default 100 */
  readonly throttleRateLimit?: pulumi.Input<number>;
  /** @default 200 */
  readonly throttleBurstLimit?: pulumi.Input<number>;
  /** @default 256 */
  readonly memoryMb?: pulumi.Input<number>;
  /** ≤ 29 s: the HTTP API's integration timeout is 30 s. @default 10 */
  readonly timeoutSeconds?: pulumi.Input<number>;
  /** @default 14 */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** The stack's tracing (docs/deploy.md, Tracing); absent, the function's tracing stays off. */
  readonly tracing?: FunctionTracing | undefined;
  /** @default 'INFO' */
  readonly logLevel?: pulumi.Input<string>;
  /** Secrets Manager recovery window; 0 deletes at once (disposable stacks). @default 7 */
  readonly secretRecoveryWindowInDays?: pulumi.Input<number>;
}

/** Ingest endpoint, its function and the bearer-token secret. */
export class IngestApi extends pulumi.ComponentResource {
  readonly api: aws.apigatewayv2.Api;
  readonly secret: aws.secretsmanager.Secret;
  readonly fn: NodeFunction;
  /** `https://…/events`. */
  readonly url: pulumi.Output<string>;
  readonly apiId: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly tokenSecretArn: pulumi.Output<string>;
  /** The bearer token (a Pulumi secret). */
  readonly token: pulumi.Output<string>;

  constructor(name: string, args: IngestApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:ingest:IngestApi', name, {}, opts);
    checkIntRange('IngestApi', 'timeoutSeconds', args.timeoutSeconds, 1, 29);
    checkIntRange('IngestApi', 'throttleBurstLimit', args.throttleBurstLimit, 1, 5_000);
    checkIntRange('IngestApi', 'secretRecoveryWindowInDays', args.secretRecoveryWindowInDays, 0, 30);
    if (typeof args.throttleRateLimit === 'number' && !(args.throttleRateLimit > 0)) {
      throw new ComponentArgsError('IngestApi', 'throttleRateLimit', 'must be positive');
    }
    const parent = { parent: this };

    this.secret = new aws.secretsmanager.Secret(
      `${name}-token`,
      {
        description: `Bearer token of ${INGEST_ROUTE_KEY} (${pulumi.getStack()})`,
        kmsKeyId: args.dataKeyArn,
        recoveryWindowInDays: args.secretRecoveryWindowInDays ?? 7,
      },
      parent,
    );
    // Generated once: later runs would draw a new value, so changes to it are ignored. Rotate by setting a
    // new secret value in Secrets Manager; the handler reads it through Powertools Parameters (cached).
    const version = new aws.secretsmanager.SecretVersion(
      `${name}-token-value`,
      { secretId: this.secret.id, secretString: pulumi.secret(randomBytes(32).toString('base64url')) },
      { parent: this, ignoreChanges: ['secretString'] },
    );
    this.fn = new NodeFunction(
      name,
      {
        description: `${INGEST_ROUTE_KEY}: validates envelopes and puts them on the stream in order`,
        code: args.code,
        memoryMb: args.memoryMb ?? 256,
        timeoutSeconds: args.timeoutSeconds ?? 10,
        logRetentionDays: args.logRetentionDays,
        tracing: args.tracing,
        policyStatements: pulumi
          .all([args.streamArn, args.streamKeyArn, this.secret.arn, args.dataKeyArn])
          .apply(([streamArn, streamKeyArn, secretArn, dataKeyArn]) =>
            ingestStatements({ streamArn, streamKeyArn, secretArn, dataKeyArn }),
          ),
        environment: {
          STREAM_NAME: args.streamName,
          INGEST_TOKEN_SECRET_ID: this.secret.arn,
        } satisfies IngestEnvironment<pulumi.Input<string>>,
        powertools: { serviceName: 'ingest', logLevel: args.logLevel },
      },
      { parent: this, dependsOn: [version] },
    );
    this.api = new aws.apigatewayv2.Api(
      name,
      { protocolType: 'HTTP', description: 'Ordered event pipeline ingest' },
      parent,
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-lambda`,
      {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationMethod: 'POST',
        integrationUri: this.fn.functionArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 30_000,
      },
      parent,
    );
    const route = new aws.apigatewayv2.Route(
      `${name}-route`,
      {
        apiId: this.api.id,
        routeKey: INGEST_ROUTE_KEY,
        target: pulumi.interpolate`integrations/${integration.id}`,
      },
      parent,
    );
    const accessLogs = stackLogGroup(`${name}-access`, args.logRetentionDays, parent);
    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: this.api.id,
        name: '$default',
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingRateLimit: args.throttleRateLimit ?? 100,
          throttlingBurstLimit: args.throttleBurstLimit ?? 200,
        },
        accessLogSettings: {
          destinationArn: accessLogs.arn,
          format: JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        },
      },
      { parent: this, dependsOn: [route] },
    );
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: this.fn.functionName,
        principal: 'apigateway.amazonaws.com',
        // Only the route: API Gateway invokes with <execution ARN>/<stage>/<method>/<path>
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html).
        sourceArn: pulumi.interpolate`${this.api.executionArn}/*/${INGEST_ROUTE_KEY.replace(' ', '')}`,
      },
      parent,
    );
    // Through the stage, so nothing reads the URL before the route is deployed.
    this.url = pulumi.all([this.api.apiEndpoint, stage.id]).apply(([endpoint]) => `${endpoint}/events`);
    this.apiId = this.api.id;
    this.functionName = this.fn.functionName;
    this.tokenSecretArn = this.secret.arn;
    this.token = pulumi.secret(version.secretString as pulumi.Output<string>);
    this.registerOutputs({ url: this.url, apiId: this.apiId, tokenSecretArn: this.tokenSecretArn });
  }
}
