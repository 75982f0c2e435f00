import { WebhookDeliveryError } from './errors.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when `url` is an http(s) URL on this machine (the local stack only talks to loopback). */
export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOSTS.has(parsed.hostname);
}

/** POSTs `body` as JSON; throws `WebhookDeliveryError` on a network error, a timeout or a non-2xx answer. */
export async function postJson(url: string, body: unknown, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    throw new WebhookDeliveryError(url, undefined, `POST ${url} failed: ${(cause as Error).message}`, {
      cause,
    });
  }
  // Drain the body so the keep-alive connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) {
    throw new WebhookDeliveryError(url, response.status, `POST ${url} answered ${response.status}`);
  }
}
