import autocannon, { type AutocannonClient, type AutocannonResult } from 'autocannon';
import { attemptStatusOfError, type Lane } from './lane.js';
import type { RequestPlan } from './request-plan.js';

/** Options of {@link drivePhase}. */
export interface DrivePhaseOptions {
  /** The `POST /events` URL. */
  readonly eventsUrl: string;
  readonly token: string;
  readonly plan: RequestPlan;
  /** At least `plan.connections` lanes; connection i sends lane i only. */
  readonly lanes: readonly Lane[];
  readonly requestTimeoutSeconds: number;
  /** Hard stop, a bound when the target stalls: autocannon is stopped after this many seconds. */
  readonly maxSeconds: number;
  /** Called once a second with the requests answered so far in this phase. */
  readonly onTick?: (answered: number) => void;
  /** Called on a 401: the run cannot succeed, so it stops at once. */
  readonly onUnauthorized?: () => void;
}

/** What autocannon measured in one phase. */
export interface PhaseDriveResult {
  readonly autocannon: AutocannonResult;
  readonly stoppedEarly: boolean;
}

/**
 * Runs one constant-rate phase with autocannon: `plan.connections` connections, pipelining 1 (one request
 * in flight per connection), `overallRate` = the plan's request rate, `amount` = its request count.
 * `setupClient` binds connection i to lane i; the lane builds each body in its `setupRequest` and learns
 * the answer in `onResponse` (a refused connection from the client's `connError`), so a connection only ever
 * carries its own aggregates.
 */
export function drivePhase(options: DrivePhaseOptions): Promise<PhaseDriveResult> {
  const { plan, lanes } = options;
  if (lanes.length < plan.connections)
    throw new RangeError(`${plan.connections} connections need as many lanes, got ${lanes.length}`);
  const url = new URL(options.eventsUrl);
  let bound = 0;
  let stoppedEarly = false;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url.origin,
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        connections: plan.connections,
        pipelining: 1,
        overallRate: plan.requestRate,
        amount: plan.requests,
        timeout: options.requestTimeoutSeconds,
        // A static placeholder: each client replaces it with its lane's request in setupClient, before sending.
        requests: [{ method: 'POST', path: url.pathname, body: '[]' }],
        setupClient: (client: AutocannonClient) => {
          const lane = lanes[bound++];
          if (lane === undefined) throw new RangeError('autocannon opened more connections than lanes');
          // autocannon reconnects at once after a connection error and sends the lane's next body: a refused
          // connection is recorded as such first (else the unanswered request would count as a timeout).
          client.on('connError', (error: unknown) => {
            if (attemptStatusOfError(error) === 'refused') lane.respond('refused', Date.now());
          });
          client.setRequests([
            {
              method: 'POST',
              path: url.pathname + url.search,
              setupRequest: (request) => ({ ...request, body: lane.nextBody(Date.now()) }),
              onResponse: (status) => {
                lane.respond(status, Date.now());
                if (status === 401 && !stoppedEarly) {
                  stoppedEarly = true;
                  options.onUnauthorized?.();
                  instance.stop();
                }
              },
            },
          ]);
        },
      },
      (error, result) => {
        clearInterval(ticker);
        clearTimeout(guard);
        if (error) reject(error);
        else resolve({ autocannon: result, stoppedEarly });
      },
    );
    let answered = 0;
    instance.on('response', () => {
      answered += 1;
    });
    const ticker = setInterval(() => options.onTick?.(answered), 1000);
    const guard = setTimeout(() => {
      stoppedEarly = true;
      instance.stop();
    }, options.maxSeconds * 1000);
  });
}
