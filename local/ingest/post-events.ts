/** Where and how to reach an ingest API: its `POST /events` URL and the bearer token. */
export interface IngestEndpoint {
  readonly eventsUrl: string;
  readonly token: string;
}

/** The `POST /events` endpoint of a running local stack, from its endpoints.json. */
export function localIngestEndpoint(endpoints: {
  readonly endpoints: { readonly ingest: string };
  readonly ingestToken: string;
}): IngestEndpoint {
  return { eventsUrl: `${endpoints.endpoints.ingest}/events`, token: endpoints.ingestToken };
}

/**
 * Posts a body (envelopes, or JSON text as given) to an ingest API with its bearer token, as any producer would;
 * resolves with the status and the response text. A connection failure or the timeout rejects.
 */
export async function postEvents(
  endpoint: IngestEndpoint,
  body: readonly unknown[] | string,
  timeoutMs = 30_000,
): Promise<{ readonly status: number; readonly text: string }> {
  const response = await fetch(endpoint.eventsUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: response.status, text: await response.text() };
}
