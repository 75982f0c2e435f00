import http from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where and as whom a Kinesis client talks. */
export interface KinesisClientOptions {
  /** `http://127.0.0.1:<port>` for kinesalite; omit on AWS. */
  readonly endpoint?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default kinesalite accepts any; `{ accessKeyId: 'local', secretAccessKey: 'local' }` */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Creates a Kinesis client over HTTP/1.1 with keep-alive (kinesalite speaks HTTP/1.1 only; the SDK's default
 * HTTP/2 handler fails against it).
 * @example const kinesis = createKinesisClient({ endpoint: emulator.endpoint });
 */
export function createKinesisClient(options: KinesisClientOptions = {}): KinesisClient {
  return new KinesisClient({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    credentials: options.credentials ?? { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
}
