import type { ReplayProgress } from '../../processors/replay/run-replay.js';

/** Renders one progress line: phase, objects, events, events/s and ETA. Pure. */
export function formatProgress(p: ReplayProgress, width = 24): string {
  const seconds = p.elapsedMs / 1000;
  if (p.phase === 'read') {
    const fraction = p.objectsTotal === 0 ? 1 : p.objectsDone / p.objectsTotal;
    return `read ${bar(fraction, width)} objects ${p.objectsDone}/${p.objectsTotal}  events ${p.eventsTotal}  ${rate(p.eventsTotal, seconds)} ev/s`;
  }
  const fraction = p.eventsTotal === 0 ? 1 : Math.min(1, p.eventsDone / p.eventsTotal);
  const perSecond = seconds > 0 ? p.eventsDone / seconds : 0;
  const eta = perSecond > 0 ? (p.eventsTotal - p.eventsDone) / perSecond : Number.NaN;
  return `send ${bar(fraction, width)} objects ${p.objectsDone}/${p.objectsTotal}  events ${p.eventsDone}/${p.eventsTotal}  ${rate(p.eventsDone, seconds)} ev/s  ETA ${formatSeconds(eta)}`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}

function rate(events: number, seconds: number): string {
  return seconds > 0 ? Math.round(events / seconds).toLocaleString('en-US') : '-';
}

/** `1h02m`, `3m05s`, `12s`, or `-` when unknown. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Writes progress to a stream: redrawn in place on a TTY (at most every 200 ms), a line every 5 s otherwise; each phase
 * (read, send) ends with its final figures.
 */
export function progressPrinter(stream: NodeJS.WriteStream): {
  update(p: ReplayProgress): void;
  done(): void;
} {
  const tty = stream.isTTY === true;
  let last = 0;
  let pending: ReplayProgress | undefined;
  let drawn = false;
  let shown: ReplayProgress | undefined;
  const draw = (p: ReplayProgress) => {
    shown = p;
    const line = formatProgress(p);
    if (tty) stream.write(`\r\u001b[2K${line}`);
    else stream.write(`${line}\n`);
    drawn = true;
  };
  return {
    update(p) {
      if (pending !== undefined && pending.phase !== p.phase) {
        // A phase ends on its final figures, on a line of its own.
        if (pending !== shown) draw(pending);
        if (tty) stream.write('\n');
        last = 0;
      }
      pending = p;
      const now = Date.now();
      if (now - last < (tty ? 200 : 5000)) return;
      last = now;
      draw(p);
    },
    done() {
      if (pending !== undefined && pending !== shown) draw(pending);
      if (tty && drawn) stream.write('\n');
    },
  };
}
