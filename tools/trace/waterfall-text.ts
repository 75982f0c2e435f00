/** The trace view's text: an event's waterfall, or one line per event of an aggregate (pure). */
import {
  describeDecision,
  type EventWaterfall,
  finalDecision,
  type WaterfallRow,
} from './event-waterfall.js';
import { BREAKDOWN_HOPS, hopLatencies } from './hop-latency.js';

/** Width of the bar column, in characters. */
export const BAR_WIDTH = 40;

const ms = (value: number) =>
  Math.abs(value) < 1000 ? `${value.toFixed(1)} ms` : `${(value / 1000).toFixed(2)} s`;

/** A bar placed on `[0, total]` (pure): at least one character, so a 0 ms hop still shows where it was. */
export function bar(
  row: Pick<WaterfallRow, 'startMs' | 'durationMs'>,
  totalMs: number,
  width = BAR_WIDTH,
): string {
  const scale = totalMs > 0 ? width / totalMs : 0;
  const from = Math.min(width - 1, Math.max(0, Math.floor(row.startMs * scale)));
  const length = Math.max(1, Math.min(width - from, Math.round(Math.max(0, row.durationMs) * scale)));
  return `${' '.repeat(from)}${'█'.repeat(length)}${' '.repeat(width - from - length)}`;
}

function heading(waterfall: EventWaterfall): string {
  const aggregate =
    waterfall.aggregateType === undefined
      ? ''
      : `  ${waterfall.aggregateType} ${waterfall.aggregateId ?? '?'}${waterfall.sequence === undefined ? '' : ` #${waterfall.sequence}`}`;
  return `event ${waterfall.eventId}${aggregate}${waterfall.eventType === undefined ? '' : `  ${waterfall.eventType}`}`;
}

/** The waterfall of one event (pure). */
export function renderWaterfall(waterfall: EventWaterfall): string {
  const labelWidth = Math.max(5, ...waterfall.rows.map((row) => row.label.length));
  const lines = [
    heading(waterfall),
    `trace ${waterfall.traceId ?? '?'}  started ${new Date(waterfall.startedAt).toISOString()}  total ${ms(waterfall.totalMs)}`,
    '',
    `${'hop'.padEnd(9)} ${'span'.padEnd(labelWidth)} ${'start'.padStart(10)} ${'time'.padStart(10)}  ${'│'}${' '.repeat(BAR_WIDTH)}│  detail`,
  ];
  for (const row of waterfall.rows)
    lines.push(
      `${row.hop.padEnd(9)} ${row.label.padEnd(labelWidth)} ${`+${ms(row.startMs)}`.padStart(10)} ${ms(row.durationMs).padStart(10)}  │${bar(row, waterfall.totalMs)}│  ${row.detail}`,
    );
  lines.push('');
  if (waterfall.decisions.length === 0) lines.push('decision  none recorded');
  for (const decision of waterfall.decisions)
    lines.push(`decision  ${describeDecision(decision)} at +${ms(decision.atMs)}`);
  if (waterfall.stopped.length === 0) lines.push('stopped   no: every hop reached');
  else for (const where of waterfall.stopped) lines.push(`stopped   ${where}`);
  return lines.join('\n');
}

/** One compact line per event of an aggregate, by sequence (pure). */
export function renderAggregateLines(
  aggregateType: string,
  aggregateId: string,
  waterfalls: readonly EventWaterfall[],
): string {
  const lines = [
    `aggregate ${aggregateType} ${aggregateId}: ${waterfalls.length} event(s) in the span store`,
    '',
  ];
  const idWidth = Math.max(...waterfalls.map((waterfall) => waterfall.eventId.length));
  for (const waterfall of waterfalls) {
    const decision = finalDecision(waterfall);
    const latencies = hopLatencies(waterfall);
    const hops = BREAKDOWN_HOPS.flatMap((hop) =>
      latencies[hop] === undefined ? [] : [`${hop} ${ms(latencies[hop] as number)}`],
    );
    lines.push(
      `#${String(waterfall.sequence ?? '?').padEnd(4)} ${waterfall.eventId.padEnd(idWidth)}  ${(decision?.decision ?? 'no decision').padEnd(11)}  ${hops.join(' │ ')}${waterfall.stopped.length === 0 ? '' : `  ⟂ ${waterfall.stopped.join('; ')}`}`,
    );
  }
  return lines.join('\n');
}
