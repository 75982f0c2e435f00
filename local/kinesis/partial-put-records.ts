import { Readable } from 'node:stream';

/** The HTTP request as the SDK's middleware sees it below the serializer. */
export interface WireRequest {
  body?: unknown;
  headers: Record<string, string>;
}

/** An HTTP response as the SDK's deserializer expects it. */
export interface WireResponse {
  readonly statusCode: number;
  readonly reason: string;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

/**
 * Answers a PutRecords call as Kinesis does when some records are throttled: only the admitted records are sent,
 * and the answer has `FailedRecordCount` and, in the refused records' places,
 * `ErrorCode: ProvisionedThroughputExceededException`
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsResultEntry.html). A failed call is handed
 * back as it came. Used by the fault injection and the per-shard limits, inside the SDK's retry middleware.
 */
export async function putRecordsPartially(
  args: { request: WireRequest },
  next: (args: unknown) => Promise<{ response: unknown }>,
  admitted: (index: number) => boolean,
  errorMessage: string,
): Promise<{ response: unknown }> {
  const raw = args.request.body;
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array);
  const input = JSON.parse(text) as { Records: unknown[]; [key: string]: unknown };
  const passing = input.Records.filter((_, i) => admitted(i));
  let sent: { Records: unknown[]; EncryptionType?: string } = { Records: [] };
  if (passing.length > 0) {
    const body = JSON.stringify({ ...input, Records: passing });
    const output = await next({
      ...args,
      request: {
        ...args.request,
        body,
        headers: { ...args.request.headers, 'content-length': String(Buffer.byteLength(body)) },
      },
    });
    const response = output.response as { statusCode: number; body: AsyncIterable<Buffer> };
    if (response.statusCode !== 200) return output;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
    sent = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }
  let sentIndex = 0;
  let failed = 0;
  const records = input.Records.map((_, i) => {
    if (admitted(i)) {
      const record = sent.Records[sentIndex++] as { ErrorCode?: string };
      if (record?.ErrorCode !== undefined) failed += 1;
      return record;
    }
    failed += 1;
    return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: errorMessage };
  });
  const response: WireResponse = {
    statusCode: 200,
    reason: 'OK',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'local' },
    body: Readable.from([
      Buffer.from(JSON.stringify({ ...sent, FailedRecordCount: failed, Records: records })),
    ]),
  };
  return { response };
}
