/** One line of a line chart. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  /** Drawn dashed (e.g. a target). */
  readonly dashed?: boolean;
}

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 64, right: 16, top: 28, bottom: 40 };

/** Escapes text for SVG/HTML (pure). */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10])
    if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function axes(xMax: number, yMax: number, xLabel: string, yLabel: string, yMin = 0): string {
  const parts: string[] = [];
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (i / 4) * plotH;
    const value = yMin + ((yMax - yMin) * i) / 4;
    parts.push(`<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${escapeXml(short(value))}</text>`,
    );
  }
  for (let i = 0; i <= 5; i++) {
    const x = PAD.left + (i / 5) * plotW;
    parts.push(
      `<text x="${x}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(short((xMax * i) / 5))}</text>`,
    );
  }
  parts.push(
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text>`,
  );
  parts.push(
    `<text x="14" y="${PAD.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${PAD.top + plotH / 2})">${escapeXml(yLabel)}</text>`,
  );
  parts.push(
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  return parts.join('');
}

function short(value: number): string {
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** A self-contained SVG line chart (pure). */
export function lineChart(
  title: string,
  series: readonly ChartSeries[],
  xLabel: string,
  yLabel: string,
): string {
  const all = series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, ...all.map((p) => p[0])));
  const yMax = niceMax(Math.max(1, ...all.map((p) => p[1])));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + (x / xMax) * plotW;
  const sy = (y: number) => PAD.top + plotH - (Math.max(0, y) / yMax) * plotH;
  const lines = series.map(
    (s) =>
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
  );
  const legend = series.map(
    (s, i) =>
      `<rect x="${PAD.left + 8 + i * 150}" y="8" width="12" height="12" fill="${s.color}"/><text x="${PAD.left + 24 + i * 150}" y="18" font-size="12">${escapeXml(s.name)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${axes(xMax, yMax, xLabel, yLabel)}${lines.join('')}${legend.join('')}</svg>`;
}

/** A self-contained SVG bar chart of `[label, value]` bars (pure). */
export function barChart(
  title: string,
  bars: readonly (readonly [string, number])[],
  xLabel: string,
  yLabel: string,
): string {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const yMax = niceMax(Math.max(1, ...bars.map((b) => b[1])));
  const width = plotW / Math.max(1, bars.length);
  const rects = bars.map(([label, value], i) => {
    const h = (value / yMax) * plotH;
    const x = PAD.left + i * width;
    return `<rect x="${(x + 1).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${Math.max(1, width - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#4c78a8"><title>${escapeXml(`${label}: ${value}`)}</title></rect>${i % Math.ceil(bars.length / 8) === 0 ? `<text x="${(x + width / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle" font-size="10">${escapeXml(label)}</text>` : ''}`;
  });
  const frame = [
    ...Array.from({ length: 5 }, (_, i) => {
      const y = PAD.top + plotH - (i / 4) * plotH;
      return `<line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${escapeXml(short((yMax * i) / 4))}</text>`;
    }),
    `<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">${escapeXml(xLabel)}</text>`,
    `<text x="14" y="${PAD.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${PAD.top + plotH / 2})">${escapeXml(yLabel)}</text>`,
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${frame.join('')}${rects.join('')}</svg>`;
}
