import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKFILL_ERROR_NAMES } from '../../processors/replay/backfill-errors.js';
import { HandlerBundleError } from '../../pulumi/errors.js';
import { esbuildBundler } from '../../pulumi/handler-bundle.js';
import { HANDLER_ENTRIES } from '../../pulumi/pipeline.js';

describe('Function: esbuildBundler', () => {
  const bundle = esbuildBundler();

  it('bundles a handler into one minified ES module with an external source map', async () => {
    const result = bundle({ entry: 'test/infra/fixtures/sample-handler.ts' });
    expect(result.handler).toBe('index.handler');
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    const assets = (await result.archive.assets) as Record<string, { text: Promise<string> }>;
    expect(Object.keys(assets).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = await assets['index.mjs']?.text;
    // Asserted as booleans: a failure should not print a minified bundle.
    expect(code?.includes('export{')).toBe(true);
    expect(/sourceMappingURL=index\.mjs\.map\s*$/.test(code ?? '')).toBe(true);
    // zod came along: the bundle stands alone.
    expect(/from"zod"/.test(code ?? '')).toBe(false);
    const map = JSON.parse((await assets['index.mjs.map']?.text) ?? '{}');
    expect(map.sources.some((s: string) => s.endsWith('processors/envelope/schema.ts'))).toBe(true);
  });

  it('is deterministic: the same sources give the same version label', () => {
    const a = bundle({ entry: 'test/infra/fixtures/sample-handler.ts' });
    const b = bundle({ entry: 'test/infra/fixtures/sample-handler.ts' });
    expect(a.sha256).toBe(b.sha256);
  });

  it('fails with a HandlerBundleError naming a missing entry', () => {
    expect(() => bundle({ entry: 'processors/nope/handler.ts' })).toThrow(HandlerBundleError);
    expect(() => bundle({ entry: 'processors/nope/handler.ts' })).toThrow(/processors\/nope\/handler\.ts/);
  });

  it('keeps error names and families through minification (Step Functions Retry matches the names)', async () => {
    // Minifying renames classes; Lambda reports a thrown error's `name` as its errorType, which the state machine's
    // Retry matches (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): each class
    // must carry its name as a literal, not derive it from the (renamed) constructor.
    const result = bundle({ entry: 'test/infra/fixtures/backfill-errors-handler.ts' });
    const assets = (await result.archive.assets) as Record<string, { text: Promise<string> }>;
    const dir = await mkdtemp(join(tmpdir(), 'bundle-names-'));
    try {
      const file = join(dir, 'index.mjs');
      await writeFile(file, (await assets['index.mjs']?.text) ?? '');
      const { handler } = (await import(pathToFileURL(file).href)) as {
        handler: () => Promise<{ name: string; replayError: boolean; error: boolean }[]>;
      };
      expect(await handler()).toEqual(
        [
          BACKFILL_ERROR_NAMES.deliveryFailed,
          BACKFILL_ERROR_NAMES.conflict,
          BACKFILL_ERROR_NAMES.batchTooLarge,
          BACKFILL_ERROR_NAMES.tableNotGranted,
        ].map((name) => ({ name, replayError: true, error: true })),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(Object.values(HANDLER_ENTRIES))('bundles the real handler %s, as pulumi up will', async (entry) => {
    const result = bundle({ entry });
    const assets = (await result.archive.assets) as Record<string, { text: Promise<string> }>;
    const code = (await assets['index.mjs']?.text) ?? '';
    // The handler export Lambda calls must survive minification under its own name.
    expect(/export\{[^}]*\bas handler\b|export\{[^}]*\bhandler\b/.test(code)).toBe(true);
    // What runs in a Lambda comes from processors/ (and node_modules) only: no emulator, tool or load file.
    const map = JSON.parse((await assets['index.mjs.map']?.text) ?? '{}') as { sources: string[] };
    const ours = map.sources.filter((s) => !s.includes('node_modules/'));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((s) => !/(^|\/)processors\//.test(s))).toEqual([]);
  });
});
