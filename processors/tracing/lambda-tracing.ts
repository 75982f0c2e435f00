import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { Attributes } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { SigV4SpanExporter } from './sigv4-span-exporter.js';
import { createTracing, TRACING_OFF, type Tracing } from './tracing.js';
import type { TracingEnvironment } from './tracing-environment.js';

/**
 * The environment variable naming the stack (`dev`, `prod`, …), written by the Pulumi program beside `TRACING`; it
 * becomes the spans' `deployment.environment.name`.
 */
export const DEPLOYMENT_ENVIRONMENT_VARIABLE = 'DEPLOYMENT_ENVIRONMENT';

/**
 * X-Ray's OTLP traces endpoint in a region. It needs CloudWatch Transaction Search enabled in the account
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html).
 */
export function xrayOtlpTracesUrl(region: string): string {
  return `https://xray.${region}.amazonaws.com/v1/traces`;
}

/** The resource attributes of a Lambda's spans, from the variables Lambda sets and the stack's name. */
export function lambdaResourceAttributes(env: Readonly<Record<string, string | undefined>>): Attributes {
  const attributes: Attributes = { 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda' };
  // Reserved variables every function has: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
  if (env.AWS_REGION) attributes['cloud.region'] = env.AWS_REGION;
  if (env.AWS_LAMBDA_FUNCTION_NAME) attributes['faas.name'] = env.AWS_LAMBDA_FUNCTION_NAME;
  if (env.AWS_LAMBDA_FUNCTION_VERSION) attributes['faas.version'] = env.AWS_LAMBDA_FUNCTION_VERSION;
  const environment = env[DEPLOYMENT_ENVIRONMENT_VARIABLE];
  if (environment) attributes['deployment.environment.name'] = environment;
  return attributes;
}

/** Options of {@link lambdaTracing}, for tests and the local stack; a Lambda passes none. */
export interface LambdaTracingOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces the SigV4 exporter to X-Ray (a test's in-memory exporter). */
  readonly exporter?: SpanExporter;
  /** Replaces {@link xrayOtlpTracesUrl} (a loopback server in tests). */
  readonly url?: string;
}

/**
 * A Lambda's {@link Tracing} from its configuration (docs/deploy.md, Tracing): {@link TRACING_OFF} unless `TRACING`
 * is `on`; otherwise spans batched and exported with SigV4 to X-Ray's OTLP endpoint in the function's region, with the
 * role's credentials. The handler calls `flush()` before returning: Lambda freezes the process afterwards.
 *
 * @throws Error when tracing is on and `AWS_REGION` is not set (outside Lambda, without a region to sign for).
 */
export function lambdaTracing(
  config: TracingEnvironment,
  serviceName: string,
  options: LambdaTracingOptions = {},
): Tracing {
  if (config.TRACING !== 'on') return TRACING_OFF;
  const env = options.env ?? process.env;
  return createTracing({
    serviceName,
    samplingRatio: config.TRACE_SAMPLING_RATIO,
    processor: 'batch',
    resource: lambdaResourceAttributes(env),
    exporter: options.exporter ?? xrayExporter(env, options.url),
  });
}

function xrayExporter(
  env: Readonly<Record<string, string | undefined>>,
  url: string | undefined,
): SpanExporter {
  const region = env.AWS_REGION;
  if (!region) throw new Error('TRACING is on but AWS_REGION is not set: no region to export spans to');
  return new SigV4SpanExporter({
    url: url ?? xrayOtlpTracesUrl(region),
    region,
    credentials: credentialsFrom(env),
  });
}

/**
 * The role's credentials: Lambda puts them in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html); elsewhere the SDK's
 * default chain finds them.
 */
function credentialsFrom(env: Readonly<Record<string, string | undefined>>): AwsCredentialIdentityProvider {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return defaultProvider();
  const sessionToken = env.AWS_SESSION_TOKEN;
  const identity = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  return async () => identity;
}
