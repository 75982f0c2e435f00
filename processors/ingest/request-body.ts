/** Largest request body, in bytes (decoded). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Most envelopes in one request. */
export const MAX_ENVELOPES_PER_REQUEST = 500;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a `Content-Type` value is JSON in UTF-8 (`application/json`, `application/*+json`). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [mediaType = '', ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) return false;
  for (const parameter of parameters) {
    const [name, raw = ''] = parameter.split('=', 2).map((part) => part.trim());
    if (name === 'charset' && raw.replace(/^"|"$/g, '') !== 'utf-8' && raw.replace(/^"|"$/g, '') !== 'utf8') {
      return false;
    }
  }
  return true;
}

/** The raw body bytes of an API Gateway event (base64-decoded when `isBase64Encoded`). */
export function bodyBytes(body: string | undefined, isBase64Encoded: boolean): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Parses UTF-8 JSON bytes; `ok: false` carries why it is malformed. */
export function parseJsonBody(
  bytes: Uint8Array,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, message: 'body is not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `body is not valid JSON (${(error as Error).message})` };
  }
}
