import type { LoadPhase } from './scenarios/index.js';

/** What autocannon is asked for in one phase. */
export interface RequestPlan {
  /** Requests per second over all connections (autocannon's `overallRate`), a multiple of `connections`. */
  readonly requestRate: number;
  /** Events per second actually targeted: requestRate × eventsPerRequest. */
  readonly eventRate: number;
  /** Connections used: never more than the request rate. */
  readonly connections: number;
  /** Requests of the phase (autocannon's `amount`), a multiple of `connections`, so it ends after the last answer. */
  readonly requests: number;
}

/**
 * Translates an event rate into autocannon's request rate, given events per request (pure).
 *
 * autocannon splits `overallRate` and `amount` over connections with integer division, so when they do not
 * divide evenly some connections run slower but must send as many requests, and the phase drags on at a
 * trickle. The plan therefore makes the request rate a multiple of the connection count, choosing among
 * `connections` down to half of it the count whose rounding lands closest to the asked rate.
 * @example planPhase({ rate: 200, durationSeconds: 10 }, 10, 4) // { requestRate: 20, eventRate: 200, connections: 4, requests: 200 }
 */
export function planPhase(phase: LoadPhase, eventsPerRequest: number, connections: number): RequestPlan {
  const asked = Math.max(1, phase.rate / eventsPerRequest);
  const most = Math.max(1, Math.min(connections, Math.floor(asked)));
  let best = { connections: most, requestRate: Math.max(1, Math.round(asked / most)) * most };
  for (let c = most - 1; c >= Math.max(1, Math.ceil(most / 2)); c--) {
    const requestRate = Math.max(1, Math.round(asked / c)) * c;
    if (Math.abs(requestRate - asked) < Math.abs(best.requestRate - asked))
      best = { connections: c, requestRate };
  }
  const perConnection = Math.max(
    1,
    Math.round((best.requestRate / best.connections) * phase.durationSeconds),
  );
  return {
    requestRate: best.requestRate,
    eventRate: best.requestRate * eventsPerRequest,
    connections: best.connections,
    requests: perConnection * best.connections,
  };
}
