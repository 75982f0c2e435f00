/**
 * A Lambda's tracing (processors/tracing/lambda-tracing.ts): off by default at no cost, otherwise OTLP/HTTP JSON
 * signed with SigV4 for X-Ray (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html).
 * A loopback HTTP server stands in for the endpoint.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import {
  lambdaResourceAttributes,
  lambdaTracing,
  xrayOtlpTracesUrl,
} from '../../processors/tracing/lambda-tracing.js';
import { SigV4SpanExporter } from '../../processors/tracing/sigv4-span-exporter.js';
import { createTracing, TRACING_OFF } from '../../processors/tracing/tracing.js';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
};

const lambdaEnv = {
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'processor-1a2b3c',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  DEPLOYMENT_ENVIRONMENT: 'staging',
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_SESSION_TOKEN: credentials.sessionToken,
};

let server: Server | undefined;

/** A loopback OTLP endpoint answering `status`, recording every request. */
async function otlpEndpoint(status = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, received };
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Attributes of an OTLP JSON resource or span as a plain object. */
function attributes(list: { key: string; value: Record<string, unknown> }[]): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
}

describe('Function: lambdaTracing', () => {
  it('is the no-op tracing when TRACING is off, whatever the environment', () => {
    const tracing = lambdaTracing({ TRACING: 'off', TRACE_SAMPLING_RATIO: 1 }, 'ingest', { env: {} });
    expect(tracing).toBe(TRACING_OFF);
    expect(tracing.enabled).toBe(false);
  });

  it('refuses to trace without a region to sign for', () => {
    expect(() => lambdaTracing({ TRACING: 'on', TRACE_SAMPLING_RATIO: 1 }, 'ingest', { env: {} })).toThrow(
      /AWS_REGION/,
    );
  });

  it('exports the spans on flush as OTLP JSON, SigV4-signed for xray in the function’s region', async () => {
    const endpoint = await otlpEndpoint();
    const tracing = lambdaTracing({ TRACING: 'on', TRACE_SAMPLING_RATIO: 1 }, 'stream-processor', {
      env: lambdaEnv,
      url: endpoint.url,
    });
    expect(tracing.enabled).toBe(true);
    tracing.tracer.startSpan('process events', { kind: SpanKind.CONSUMER }).end();
    // Batched: nothing leaves before the flush a handler makes before returning.
    expect(endpoint.received).toHaveLength(0);
    await tracing.flush();

    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/traces');
    expect(request?.headers['content-type']).toBe('application/json');
    const authorization = request?.headers.authorization ?? '';
    const date = String(request?.headers['x-amz-date'] ?? '').slice(0, 8);
    expect(authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${date}/eu-west-1/xray/aws4_request, `),
    );
    expect(authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,',
    );
    // The payload hash is signed: the signature covers exactly the body that arrived.
    expect(request?.headers['x-amz-content-sha256']).toBe(
      createHash('sha256')
        .update(request?.body ?? '')
        .digest('hex'),
    );
    expect(authorization).toMatch(/Signature=[0-9a-f]{64}$/);
    expect(request?.headers['x-amz-security-token']).toBe('session-token');

    const otlp = JSON.parse(request?.body ?? '{}');
    const resourceSpans = otlp.resourceSpans[0];
    expect(attributes(resourceSpans.resource.attributes)).toMatchObject({
      'service.name': 'stream-processor',
      'cloud.provider': 'aws',
      'cloud.region': 'eu-west-1',
      'faas.name': 'processor-1a2b3c',
      'deployment.environment.name': 'staging',
    });
    expect(resourceSpans.scopeSpans[0].spans.map((s: { name: string }) => s.name)).toEqual([
      'process events',
    ]);
  });

  it('records no new trace at sampling ratio 0', async () => {
    const endpoint = await otlpEndpoint();
    const tracing = lambdaTracing({ TRACING: 'on', TRACE_SAMPLING_RATIO: 0 }, 'ingest', {
      env: lambdaEnv,
      url: endpoint.url,
    });
    tracing.tracer.startSpan('POST /events').end();
    await tracing.flush();
    expect(endpoint.received).toHaveLength(0);
  });

  it('defaults to X-Ray’s OTLP endpoint of the region', () => {
    expect(xrayOtlpTracesUrl('ap-southeast-2')).toBe('https://xray.ap-southeast-2.amazonaws.com/v1/traces');
  });

  it('takes an exporter instead of X-Ray (local stack, tests)', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = lambdaTracing({ TRACING: 'on', TRACE_SAMPLING_RATIO: 1 }, 'pipe', {
      env: {},
      exporter,
    });
    tracing.tracer.startSpan('publish bus').end();
    await tracing.flush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['publish bus']);
  });
});

describe('Function: lambdaResourceAttributes', () => {
  it('names only what the environment holds', () => {
    expect(lambdaResourceAttributes({})).toEqual({ 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda' });
  });
});

describe('Class: SigV4SpanExporter', () => {
  function oneSpan() {
    const memory = new InMemorySpanExporter();
    const tracing = createTracing({ serviceName: 't', exporter: memory, processor: 'simple' });
    tracing.tracer.startSpan('s').end();
    return memory.getFinishedSpans();
  }

  it('signs the body it sends: the same request with another body would not verify', async () => {
    const endpoint = await otlpEndpoint();
    const exporter = new SigV4SpanExporter({ url: endpoint.url, region: 'us-east-1', credentials });
    const spans = oneSpan();
    const results: number[] = [];
    await new Promise<void>((resolve) =>
      exporter.export(spans, (r) => {
        results.push(r.code);
        resolve();
      }),
    );
    await new Promise<void>((resolve) =>
      exporter.export([...spans, ...spans], (r) => {
        results.push(r.code);
        resolve();
      }),
    );
    expect(results).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    const [first, second] = endpoint.received;
    expect(first?.body).not.toBe(second?.body);
    // Same credentials, region and (within a second) date: only the payload hash can make the signatures differ.
    const signature = (r: Received | undefined) =>
      /Signature=([0-9a-f]+)/.exec(r?.headers.authorization ?? '')?.[1];
    if (first?.headers['x-amz-date'] === second?.headers['x-amz-date']) {
      expect(signature(first)).not.toBe(signature(second));
    }
  });

  it('reports a refused export as failed (a role without xray:PutSpans gets 403)', async () => {
    const endpoint = await otlpEndpoint(403);
    const exporter = new SigV4SpanExporter({ url: endpoint.url, region: 'us-east-1', credentials });
    const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
      exporter.export(oneSpan(), resolve),
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toMatch(/HTTP 403/);
  });

  it('refuses to export after shutdown', async () => {
    const exporter = new SigV4SpanExporter({
      url: 'http://127.0.0.1:9/v1/traces',
      region: 'us-east-1',
      credentials,
    });
    await exporter.shutdown();
    const result = await new Promise<{ code: number }>((resolve) => exporter.export(oneSpan(), resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
  });
});
