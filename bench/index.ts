/**
 * `npm run bench [-- <suite>...]`: runs the benchmark suites in a fixed order, prints a table with ratios
 * and targets, and writes the results to `.bench/results-<timestamp>.json`.
 *
 * Suites live in `bench/suites/<name>.ts` and export an async function returning `BenchResult[]`. A suite
 * whose file does not exist yet is skipped with a note, so the command works at every stage.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './result.js';
import { formatResultsTable, isTargetMet, writeResultsJson } from './table.js';

/** One benchmark suite: its module under `bench/suites/` and the function it exports. */
interface SuiteEntry {
  readonly name: string;
  readonly file: string;
  readonly exportName: string;
}

type SuiteFunction = () => Promise<BenchResult[]>;

// Fixed order: cheap in-process suites first, emulator-backed ones after.
const SUITES: readonly SuiteEntry[] = [
  { name: 'producer', file: 'suites/producer.ts', exportName: 'runProducerBench' },
  { name: 'engine', file: 'suites/engine.ts', exportName: 'runEngineBench' },
  { name: 'tracing', file: 'suites/tracing.ts', exportName: 'runTracingBench' },
  { name: 'processor', file: 'suites/processor.ts', exportName: 'runProcessorBench' },
  { name: 'replay', file: 'suites/replay.ts', exportName: 'runReplayBench' },
];

function selectSuites(filters: readonly string[]): SuiteEntry[] {
  if (filters.length === 0) return [...SUITES];
  const known = new Set(SUITES.map((suite) => suite.name));
  const unknown = filters.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown bench suite(s): ${unknown.join(', ')}; known: ${[...known].join(', ')} (usage: npm run bench -- <suite>...)`,
    );
  }
  return SUITES.filter((suite) => filters.includes(suite.name));
}

async function loadSuite(entry: SuiteEntry): Promise<SuiteFunction | undefined> {
  const url = new URL(entry.file, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;
  const module = (await import(pathToFileURL(fileURLToPath(url)).href)) as Record<string, unknown>;
  const run = module[entry.exportName];
  if (typeof run !== 'function') {
    throw new Error(`bench/${entry.file} does not export a function named ${entry.exportName}`);
  }
  return run as SuiteFunction;
}

async function main(): Promise<number> {
  const startedAt = new Date();
  const suites = selectSuites(process.argv.slice(2).filter((arg) => arg !== '--'));
  const results: BenchResult[] = [];
  const failed: string[] = [];
  for (const [index, entry] of suites.entries()) {
    const label = `[${index + 1}/${suites.length}] ${entry.name}`;
    const run = await loadSuite(entry);
    if (run === undefined) {
      console.log(`${label}: skipped (bench/${entry.file} does not exist yet)`);
      continue;
    }
    console.log(`${label}: running…`);
    const suiteStart = performance.now();
    try {
      const suiteResults = await run();
      results.push(...suiteResults);
      const seconds = ((performance.now() - suiteStart) / 1000).toFixed(1);
      console.log(`${label}: ${suiteResults.length} result(s) in ${seconds} s`);
    } catch (error) {
      failed.push(entry.name);
      console.error(`${label}: FAILED`, error);
    }
  }
  console.log('');
  if (results.length === 0) {
    console.log('no results');
  } else {
    console.log(formatResultsTable(results));
    const file = await writeResultsJson(results, { now: startedAt });
    console.log(`\nresults written to ${file}`);
  }
  const missed = results.filter((result) => isTargetMet(result) === false).length;
  if (missed > 0) console.log(`${missed} target(s) not met`);
  if (failed.length > 0) {
    console.error(`suite(s) failed: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  return 1;
});
