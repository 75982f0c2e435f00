import { postEvents } from '../local/ingest/index.js';
import { attemptStatusOfError, type Lane } from './lane.js';

/**
 * After autocannon stops, a lane may still hold a request that was never answered (stopped mid-flight)
 * or failed with a retryable status on its last budgeted request. Each is retried unchanged with fetch
 * until it is accepted or its attempts run out, so every sent event ends accepted, rejected or uncertain.
 */
export async function settlePendingRequests(
  lanes: readonly Lane[],
  options: { readonly eventsUrl: string; readonly token: string; readonly timeoutSeconds: number },
): Promise<void> {
  await Promise.all(
    lanes.map(async (lane) => {
      for (let guard = 0; guard < 100 && lane.hasPending; guard++) {
        const body = lane.retryBody(Date.now());
        if (body === undefined) return;
        let status: number | 'timeout' | 'refused';
        try {
          ({ status } = await postEvents(options, body, options.timeoutSeconds * 1000));
        } catch (error) {
          status = attemptStatusOfError(error);
        }
        lane.respond(status, Date.now());
        if (typeof status !== 'number' || status === 429 || status >= 500)
          await new Promise((resolve) => setTimeout(resolve, 200 * (guard + 1)));
      }
    }),
  );
}
