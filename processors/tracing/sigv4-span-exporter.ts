import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { SignatureV4 } from '@smithy/signature-v4';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Checksum,
  SourceData,
} from '@smithy/types';

/** SHA-256 (or its HMAC with a secret) on node:crypto, the hash constructor SigV4 signing needs. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;
  private readonly secret: SourceData | undefined;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.hash = NodeSha256.create(secret);
  }

  private static create(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }

  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = NodeSha256.create(this.secret);
  }
}

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** Options of {@link SigV4SpanExporter}. */
export interface SigV4SpanExporterOptions {
  /** The OTLP/HTTP traces URL, e.g. `https://xray.us-east-1.amazonaws.com/v1/traces`. */
  readonly url: string;
  /** The region the request is signed for. */
  readonly region: string;
  /** Where the signing credentials come from (a Lambda's role: its environment variables). */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The signing name of the service. @default 'xray' */
  readonly service?: string;
  /** Gives up on one export after this long, so a slow endpoint cannot hold a Lambda to its timeout. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Exports spans as OTLP/HTTP JSON to an endpoint that authenticates with AWS Signature Version 4: X-Ray's OTLP traces
 * endpoint (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html). The body is
 * part of the signature, so each request is signed after serialising (a static header cannot do it).
 */
export class SigV4SpanExporter implements SpanExporter {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly timeoutMs: number;
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;

  constructor(options: SigV4SpanExporterOptions) {
    this.url = new URL(options.url);
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.signer = new SignatureV4({
      service: options.service ?? 'xray',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
    });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const sent = this.send(spans).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  /** Signs and posts one OTLP request; rejects on a transport error or a non-2xx answer. */
  private async send(spans: ReadableSpan[]): Promise<void> {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (body === undefined) throw new Error('spans could not be serialised');
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      ...(this.url.port === '' ? {} : { port: Number(this.url.port) }),
      path: this.url.pathname,
      query: {},
      // SigV4 signs the host header; the URL's port is part of it when it is not the default one.
      headers: { host: this.url.host, 'content-type': 'application/json' },
      body,
    });
    const response = await fetch(this.url, {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Drain the body so the connection can be reused.
    const text = await response.text();
    if (!response.ok) throw new Error(`OTLP export failed: HTTP ${response.status} ${text.slice(0, 200)}`);
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
  }
}
