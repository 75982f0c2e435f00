import { connect } from 'node:net';

/** What a listener did with raw request bytes: its status code, or `closed` when it hung up without answering. */
export type RawOutcome = { readonly status: number; readonly head: string } | { readonly status: 'closed' };

/**
 * Writes `request` as-is to 127.0.0.1:`port` on a fresh connection (no client-side parsing or escaping, so
 * malformed request lines and headers reach the server untouched) and reads the status line of the answer.
 */
export function rawExchange(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: RawOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = text.slice(0, end);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      finish(
        match === null
          ? new Error(`not an HTTP answer: ${JSON.stringify(head)}`)
          : { status: Number(match[1]), head },
      );
    });
    socket.on('end', () => finish({ status: 'closed' }));
    socket.on('close', () => finish({ status: 'closed' }));
    socket.on('error', (error) => finish(error));
  });
}

/** Request heads no listener may die of: bad targets, methods, header syntax and lengths. */
export const MALFORMED_REQUESTS: readonly { readonly name: string; readonly bytes: string }[] = [
  { name: 'protocol-relative target with a broken host', bytes: 'POST //[ HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'GET of a broken protocol-relative target', bytes: 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n' },
  {
    name: 'absolute-form target with a broken host',
    bytes: 'POST http://[/events HTTP/1.1\r\nHost: x\r\n\r\n',
  },
  { name: 'absolute-form target with a bad port', bytes: 'POST http://h:99999/ HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'asterisk-form target', bytes: 'POST * HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'target without a leading slash', bytes: 'POST events HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'broken percent escapes', bytes: 'POST /%E0%A4%A?%zz=%ff HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'backslashes and dots', bytes: 'POST /\\..\\..\\ HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'unknown method', bytes: 'FROB / HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'method with a control character', bytes: 'PO\u0001ST / HTTP/1.1\r\nHost: x\r\n\r\n' },
  { name: 'header line without a colon', bytes: 'POST / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n' },
  { name: 'non-numeric Content-Length', bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n' },
  {
    name: 'two different Content-Lengths',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
  },
  {
    name: 'huge Content-Length',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n',
  },
  {
    name: 'broken chunked body',
    bytes: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n',
  },
  {
    name: 'non-ASCII bytes in headers',
    bytes:
      'POST / HTTP/1.1\r\nHost: \u00ff\u00fe\r\nAuthorization: Bearer \u00ff\r\nX-Amz-Target: \u00e9\r\n\r\n',
  },
  {
    name: 'not HTTP at all',
    bytes: '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n',
  },
];

/** Sends a request head promising a 100-byte body, 10 bytes of it, then hangs up; resolves once the socket is closed. */
export function hangUpMidBody(port: number, route: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.on('connect', () => {
      socket.write(
        `POST ${route} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":"1234`,
      );
      setTimeout(() => socket.destroy(), 50);
    });
  });
}
