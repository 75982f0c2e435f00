import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadReport } from './report.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';

/** Writes `report.json`, `report.md` and `report.html` into `dir`; returns their paths. */
export async function writeReport(
  dir: string,
  report: LoadReport,
): Promise<{ json: string; md: string; html: string }> {
  await mkdir(dir, { recursive: true });
  const paths = {
    json: join(dir, 'report.json'),
    md: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  await writeFile(
    paths.json,
    `${JSON.stringify(report, (_key, value) => (Number.isNaN(value) ? null : value), 2)}\n`,
  );
  await writeFile(paths.md, renderMarkdown(report));
  await writeFile(paths.html, renderHtml(report));
  return paths;
}
