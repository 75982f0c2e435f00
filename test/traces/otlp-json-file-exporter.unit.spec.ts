import { appendFile, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import {
  OtlpJsonFileExporter,
  SpanStoreClosedError,
  SpanStoreWriteError,
  spanFileName,
  spanFileNumber,
} from '../../local/traces/index.js';
import { createTracing } from '../../processors/tracing/index.js';

/** Real spans from a real provider, captured in memory so each test exports exactly what it chooses. */
async function makeSpans(count: number, attributeBytes = 0): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const tracing = createTracing({ serviceName: 'firehose', exporter: memory, processor: 'simple' });
  for (let i = 0; i < count; i += 1) {
    const span = tracing.tracer.startSpan(`archive events-${i}`, {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.message.id': `e-${i}`, padding: 'x'.repeat(attributeBytes) },
    });
    span.end();
  }
  await tracing.flush();
  // Read before shutdown: the in-memory exporter forgets its spans when shut down.
  return [...memory.getFinishedSpans()];
}

function exportSpans(exporter: OtlpJsonFileExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

async function tempDir() {
  return mkdtemp(join(tmpdir(), 'span-store-'));
}

async function spanFiles(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'traces'));
  return names
    .filter((n) => spanFileNumber(n) !== undefined)
    .sort((a, b) => (spanFileNumber(a) ?? 0) - (spanFileNumber(b) ?? 0));
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((line) => line !== '');
}

describe('OtlpJsonFileExporter', () => {
  it('writes one ExportTraceServiceRequest per line in OTLP JSON, with hex trace and span ids', async () => {
    const dataDir = await tempDir();
    const exporter = new OtlpJsonFileExporter({ dataDir });
    const spans = await makeSpans(3);
    expect((await exportSpans(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();

    expect(await spanFiles(dataDir)).toEqual(['spans-1.jsonl']);
    const [line, ...rest] = await lines(join(dataDir, 'traces', 'spans-1.jsonl'));
    expect(rest).toEqual([]);
    const request = JSON.parse(line as string);
    const resource = request.resourceSpans[0];
    expect(resource.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'firehose' },
    });
    const written = resource.scopeSpans[0].spans;
    expect(written).toHaveLength(3);
    for (const [i, span] of written.entries()) {
      const original = spans[i] as ReadableSpan;
      expect(span.traceId).toBe(original.spanContext().traceId);
      expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(span.name).toBe(original.name);
      expect(span.kind).toBe(5); // OTLP SPAN_KIND_CONSUMER (the API's SpanKind + 1)
      expect(span.attributes).toContainEqual({
        key: 'messaging.message.id',
        value: { stringValue: `e-${i}` },
      });
      expect(typeof span.startTimeUnixNano).toBe('string');
    }
  });

  it('closes a file before a line would take it over maxFileBytes, and keeps only maxFiles files', async () => {
    const dataDir = await tempDir();
    const maxFileBytes = 4096;
    const exporter = new OtlpJsonFileExporter({ dataDir, maxFileBytes, maxFiles: 3 });
    const lineOf = await makeSpans(1, 1000);
    await exportSpans(exporter, lineOf);
    const oneLine = (await stat(join(dataDir, 'traces', 'spans-1.jsonl'))).size;
    const perFile = Math.floor(maxFileBytes / oneLine);
    expect(perFile).toBeGreaterThanOrEqual(2);
    // Enough lines for 5 files: the first two must be gone, the newest three full of whole lines.
    for (let i = 1; i < perFile * 5; i += 1) await exportSpans(exporter, lineOf);
    await exporter.shutdown();

    expect(await spanFiles(dataDir)).toEqual(['spans-3.jsonl', 'spans-4.jsonl', 'spans-5.jsonl']);
    for (const name of await spanFiles(dataDir)) {
      const file = join(dataDir, 'traces', name);
      expect((await stat(file)).size).toBeLessThanOrEqual(maxFileBytes);
      const fileLines = await lines(file);
      expect(fileLines).toHaveLength(perFile);
      for (const l of fileLines) expect(JSON.parse(l).resourceSpans).toHaveLength(1);
    }
    expect(exporter.stats()).toMatchObject({ filesRemoved: 2, linesWritten: perFile * 5, exportsFailed: 0 });
  });

  it('splits an export too big for one file into lines that fit', async () => {
    const dataDir = await tempDir();
    const exporter = new OtlpJsonFileExporter({ dataDir, maxFileBytes: 8192 });
    const spans = await makeSpans(20, 1000);
    expect((await exportSpans(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    const names = await spanFiles(dataDir);
    let count = 0;
    for (const name of names) {
      const file = join(dataDir, 'traces', name);
      expect((await stat(file)).size).toBeLessThanOrEqual(8192);
      for (const l of await lines(file)) count += JSON.parse(l).resourceSpans[0].scopeSpans[0].spans.length;
    }
    expect(names.length).toBeGreaterThan(1);
    expect(count).toBe(20);
  });

  it('continues numbering after a restart: the last file while it ends with a whole line, else the next', async () => {
    const dataDir = await tempDir();
    const spans = await makeSpans(1);
    const first = new OtlpJsonFileExporter({ dataDir });
    await exportSpans(first, spans);
    await first.shutdown();

    const second = new OtlpJsonFileExporter({ dataDir });
    await exportSpans(second, spans);
    await second.shutdown();
    expect(await spanFiles(dataDir)).toEqual(['spans-1.jsonl']);
    expect(await lines(join(dataDir, 'traces', 'spans-1.jsonl'))).toHaveLength(2);

    // A crash tore the last line: the next process must not glue its line onto it.
    await appendFile(join(dataDir, 'traces', 'spans-1.jsonl'), '{"resourceSpans":[{"reso');
    const third = new OtlpJsonFileExporter({ dataDir });
    await exportSpans(third, spans);
    await third.shutdown();
    expect(await spanFiles(dataDir)).toEqual(['spans-1.jsonl', 'spans-2.jsonl']);
    const [line] = await lines(join(dataDir, 'traces', 'spans-2.jsonl'));
    expect(JSON.parse(line as string).resourceSpans[0].scopeSpans[0].spans[0].spanId).toBe(
      spans[0]?.spanContext().spanId,
    );
  });

  it('starts after the highest number left by an earlier run, removing the oldest beyond maxFiles', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'traces'));
    for (const n of [7, 8, 9]) await writeFile(join(dataDir, 'traces', spanFileName(n)), '{}\n'.repeat(2000));
    await writeFile(join(dataDir, 'traces', 'notes.txt'), 'not a span file');
    const exporter = new OtlpJsonFileExporter({ dataDir, maxFileBytes: 4096, maxFiles: 2 });
    await exportSpans(exporter, await makeSpans(1));
    await exporter.shutdown();
    expect(await spanFiles(dataDir)).toEqual(['spans-9.jsonl', 'spans-10.jsonl']);
    expect(await readdir(join(dataDir, 'traces'))).toContain('notes.txt');
  });

  it('holds a smaller maxFiles than an earlier run kept from its first export on', async () => {
    const dataDir = await tempDir();
    await mkdir(join(dataDir, 'traces'));
    for (const n of [1, 2, 3, 4]) await writeFile(join(dataDir, 'traces', spanFileName(n)), '{}\n');
    const exporter = new OtlpJsonFileExporter({ dataDir, maxFiles: 2 });
    await exportSpans(exporter, await makeSpans(1));
    await exporter.shutdown();
    expect(await spanFiles(dataDir)).toEqual(['spans-3.jsonl', 'spans-4.jsonl']);
    expect(await lines(join(dataDir, 'traces', 'spans-4.jsonl'))).toHaveLength(2);
  });

  it('answers FAILED and tells onError, never throws, when the store cannot be written', async () => {
    const dataDir = await tempDir();
    // A file where the traces folder should be: mkdir fails.
    await writeFile(join(dataDir, 'traces'), 'in the way');
    const errors: unknown[] = [];
    const exporter = new OtlpJsonFileExporter({ dataDir, onError: (e) => errors.push(e) });
    const result = await exportSpans(exporter, await makeSpans(1));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(SpanStoreWriteError);
    expect(errors).toHaveLength(1);
    expect(exporter.stats().exportsFailed).toBe(1);
  });

  it('refuses exports after shutdown, while a shared view only flushes on shutdown', async () => {
    const dataDir = await tempDir();
    const errors: unknown[] = [];
    const exporter = new OtlpJsonFileExporter({
      dataDir,
      onError: (e) => {
        errors.push(e);
        throw new Error('a throwing listener');
      },
    });
    const view = exporter.shared();
    await view.shutdown();
    const afterView = await new Promise<ExportResult>((resolve) => view.export([], resolve));
    expect(afterView.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    const afterClose = await exportSpans(exporter, await makeSpans(1));
    expect(afterClose.code).toBe(ExportResultCode.FAILED);
    expect(afterClose.error).toBeInstanceOf(SpanStoreClosedError);
    expect(errors).toHaveLength(1);
  });

  it('appends a received OTLP JSON request in queue order, halving one too big for a file, within the bounds', async () => {
    const dataDir = await tempDir();
    const exporter = new OtlpJsonFileExporter({ dataDir, maxFileBytes: 4096 });
    const wire = (id: number, padding: number) => ({
      traceId: 'a'.repeat(31) + (id % 10),
      spanId: `${'b'.repeat(14)}${String(id).padStart(2, '0')}`,
      name: `consumer ${id}`,
      attributes: [{ key: 'padding', value: { stringValue: 'x'.repeat(padding) } }],
    });
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'consumer' } }] };
    const exported = exportSpans(exporter, await makeSpans(1));
    // Six spans of ~1 KiB: one line would not fit 4 KiB, so it is cut into lines that each do.
    const appended = exporter.appendRequest({
      resourceSpans: [
        {
          resource,
          scopeSpans: [{ scope: { name: 's' }, spans: [0, 1, 2, 3, 4, 5].map((i) => wire(i, 900)) }],
        },
      ],
    });
    await appended;
    expect((await exported).code).toBe(ExportResultCode.SUCCESS);
    const names = (await readdir(join(dataDir, 'traces'))).sort();
    expect(names.length).toBeGreaterThan(1);
    const lines: string[] = [];
    for (const name of names) {
      const text = await readFile(join(dataDir, 'traces', name), 'utf8');
      expect((await stat(join(dataDir, 'traces', name))).size).toBeLessThanOrEqual(4096);
      lines.push(...text.split('\n').filter((line) => line !== ''));
    }
    const spanNames = lines.flatMap((line) =>
      (
        JSON.parse(line) as {
          resourceSpans: { resource: unknown; scopeSpans: { spans: { name: string }[] }[] }[];
        }
      ).resourceSpans.flatMap((r) => {
        expect(r.resource).toBeDefined();
        return r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name));
      }),
    );
    // The exporter's own export first (queue order), then the request's spans in order, over several lines.
    expect(lines.length).toBeGreaterThan(2);
    expect(spanNames).toEqual(['archive events-0', ...[0, 1, 2, 3, 4, 5].map((i) => `consumer ${i}`)]);
    expect(exporter.stats().spansWritten).toBe(7);
  });

  it('rejects a received request after shutdown, or one span over the file limit, telling onError', async () => {
    const dataDir = await tempDir();
    const errors: unknown[] = [];
    const exporter = new OtlpJsonFileExporter({
      dataDir,
      maxFileBytes: 1024,
      onError: (e) => errors.push(e),
    });
    const one = (padding: number) => ({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'x'.repeat(padding) }] },
          ],
        },
      ],
    });
    await expect(exporter.appendRequest(one(2000))).rejects.toBeInstanceOf(SpanStoreWriteError);
    // The queue goes on after a failed append.
    await exporter.appendRequest(one(10));
    await exporter.shutdown();
    await expect(exporter.appendRequest(one(10))).rejects.toBeInstanceOf(SpanStoreClosedError);
    expect(errors).toHaveLength(2);
    expect(exporter.stats()).toMatchObject({ spansWritten: 1, exportsFailed: 2 });
  });

  it('refuses bounds that could not hold a line', () => {
    expect(() => new OtlpJsonFileExporter({ dataDir: '/tmp', maxFileBytes: 10 })).toThrow(RangeError);
    expect(() => new OtlpJsonFileExporter({ dataDir: '/tmp', maxFiles: 0 })).toThrow(RangeError);
  });
});
