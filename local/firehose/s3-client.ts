import { S3Client } from '@aws-sdk/client-s3';

/** Creates an S3 client for s3rver: its fixed credentials, path-style URLs, and no streamed checksums (else s3rver stores chunk framing). */
export function createS3rverClient(options: {
  readonly endpoint: string;
  readonly region?: string;
}): S3Client {
  return new S3Client({
    endpoint: options.endpoint,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}
