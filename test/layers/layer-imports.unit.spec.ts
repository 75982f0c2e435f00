/**
 * The layers of docs/design.md §1 run one way: the imports in the tree follow them, and Biome's
 * `noRestrictedImports` overrides (biome.json) refuse an import that runs back up.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What each top-level folder may import from the others (itself always). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  processors: [],
  config: ['processors'],
  local: ['processors', 'config'],
  tools: ['processors', 'config', 'local'],
  load: ['processors', 'config', 'local', 'tools'],
  bench: ['processors', 'config', 'local'],
  pulumi: ['processors', 'config'],
  policy: ['processors', 'config'],
};

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The top-level folders a file's relative imports (static, dynamic and re-exports) reach. */
function importedFolders(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specifiers.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)).split('/')[0] as string);
}

describe('layer imports', () => {
  it('every relative import in the tree follows the layers of docs/design.md §1', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const [folder, allowed] of Object.entries(MAY_IMPORT)) {
      for (const file of await sourceFiles(folder)) {
        const text = await readFile(join(ROOT, file), 'utf8');
        for (const target of importedFolders(file, text)) {
          checked += 1;
          if (target !== folder && !allowed.includes(target)) wrong.push(`${file} → ${target}/`);
        }
      }
    }
    // Guards against a scan that read nothing.
    expect(checked).toBeGreaterThan(500);
    expect(wrong).toEqual([]);
  });

  it('every source file name is kebab-case', async () => {
    const folders = [...Object.keys(MAY_IMPORT), 'test'];
    const files = (await Promise.all(folders.map(sourceFiles))).flat();
    expect(files.length).toBeGreaterThan(300);
    const kebab = /^[a-z0-9]+(?:[.-][a-z0-9]+)*\.(?:ts|mts|cts)$/;
    expect(files.filter((f) => !kebab.test(f.split('/').pop() ?? ''))).toEqual([]);
  });

  it('Biome refuses an import that runs back up, and allows the ones that run down', async () => {
    // Probes in a scratch copy of the layout, linted with the repository's biome.json.
    const probes: { file: string; imports: string; refused: boolean }[] = [
      { file: 'processors/store/probe.ts', imports: '../../local/bus/index.js', refused: true },
      { file: 'processors/store/probe-tools.ts', imports: '../../tools/environment/index.js', refused: true },
      { file: 'processors/store/probe-config.ts', imports: '../../config/bus-routing.js', refused: true },
      { file: 'processors/store/probe-down.ts', imports: '../engine/index.js', refused: false },
      { file: 'config/probe.ts', imports: '@pulumi/pulumi', refused: true },
      { file: 'config/probe-down.ts', imports: '../processors/store/index.js', refused: false },
      { file: 'local/bus/probe.ts', imports: '../../pulumi/pipeline.js', refused: true },
      { file: 'local/bus/probe-tools.ts', imports: '../../tools/replay/index.js', refused: true },
      { file: 'local/bus/probe-down.ts', imports: '../../config/bus-routing.js', refused: false },
      { file: 'load/probe.ts', imports: '../bench/result.js', refused: true },
      { file: 'load/probe-down.ts', imports: '../tools/environment/index.js', refused: false },
      { file: 'tools/replay/probe.ts', imports: '../../load/cli.js', refused: true },
      { file: 'pulumi/probe.ts', imports: '../local/stack/index.js', refused: true },
      { file: 'bench/probe.ts', imports: '../load/cli.js', refused: true },
    ];
    const scratch = await mkdtemp(join(tmpdir(), 'layers-'));
    try {
      await writeFile(join(scratch, 'biome.json'), await readFile(join(ROOT, 'biome.json')));
      for (const probe of probes) {
        await mkdir(join(scratch, dirname(probe.file)), { recursive: true });
        await writeFile(
          join(scratch, probe.file),
          `import { x } from '${probe.imports}';\n\nexport const y = x;\n`,
        );
      }
      const biome = join(ROOT, 'node_modules/.bin/biome');
      const { stdout } = await promisify(execFile)(
        biome,
        ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=100', '.'],
        { cwd: scratch },
      ).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      const report = JSON.parse(stdout) as {
        diagnostics: { category: string; location: { path: string } }[];
      };
      const refused = report.diagnostics
        .filter((d) => d.category === 'lint/style/noRestrictedImports')
        .map((d) => d.location.path)
        .sort();
      expect(refused).toEqual(
        probes
          .filter((p) => p.refused)
          .map((p) => p.file)
          .sort(),
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
