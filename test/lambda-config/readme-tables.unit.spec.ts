/**
 * Each Lambda's README configuration table lists exactly its schema's variables, with the schema's defaults
 * (docs/design.md §1: one config contract per Lambda).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { busBridgeConfigSchema } from '../../processors/bus-bridge/config.js';
import { ingestConfigSchema } from '../../processors/ingest/config.js';
import { type EnvironmentSchema, environmentDefaults } from '../../processors/lambda-config/index.js';
import { stalledCheckConfigSchema } from '../../processors/operator/config.js';
import { replayLambdaConfigSchema } from '../../processors/replay/lambda-config.js';
import { processorConfigSchema } from '../../processors/stream-processor/config.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

const SCHEMAS: Record<string, EnvironmentSchema> = {
  'stream processor': processorConfigSchema,
  'stalled check': stalledCheckConfigSchema,
  ingest: ingestConfigSchema,
  'bus bridge': busBridgeConfigSchema,
  replay: replayLambdaConfigSchema,
};

/** The rows (variable → default cell) of the first table under `### Configuration of the <lambda> Lambda`. */
function readmeTable(markdown: string, lambda: string): Map<string, string> {
  const heading = `### Configuration of the ${lambda} Lambda`;
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README has no "${heading}" section`);
  const lines = markdown.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows = new Map<string, string>();
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const [variable = '', fallback = ''] = line
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    rows.set(variable.replace(/^`|`$/g, ''), fallback);
  }
  return rows;
}

/** A default as the README writes it: `required`, a plain number, or a string in backticks. */
function readmeDefault(value: string | undefined): string {
  if (value === undefined) return 'required';
  return /^\d+$/.test(value) ? value : `\`${value}\``;
}

describe('README configuration tables', () => {
  it('has one table per Lambda schema', () => {
    const headings = [...README.matchAll(/^### Configuration of the (.+) Lambda$/gm)].map((m) => m[1]);
    expect(headings.sort()).toEqual(Object.keys(SCHEMAS).sort());
  });

  it.each(Object.entries(SCHEMAS))(
    'lists exactly the %s schema’s variables with its defaults',
    (lambda, schema) => {
      const expected = Object.entries(environmentDefaults(schema)).map(
        ([variable, fallback]) => [variable, readmeDefault(fallback)] as const,
      );
      expect([...readmeTable(README, lambda)]).toEqual(expected);
    },
  );

  it('reads a table the way it is written (the parser itself)', () => {
    const markdown =
      '\n### Configuration of the x Lambda\n\ntext\n\n| variable | default | |\n|---|---|---|\n| `A` | required | a |\n| `B` | `b/` | |\n\nafter\n';
    expect([...readmeTable(markdown, 'x')]).toEqual([
      ['A', 'required'],
      ['B', '`b/`'],
    ]);
  });
});
