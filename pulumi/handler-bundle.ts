/**
 * Bundles a Lambda handler with esbuild at deploy time into a Pulumi archive: one minified ES module
 * (`index.mjs`) plus its external source map.
 *
 * - ESM, because Powertools and the AWS SDK v3 ship ES modules (better tree-shaking) and Node.js 24
 *   Lambda runs `.mjs` natively; a `createRequire` banner keeps the few CommonJS dependencies working.
 * - The AWS SDK v3 is bundled, not taken from the runtime: the runtime's copy changes under us without
 *   notice, while a bundled one is the version `package-lock.json` pins and the tests ran against; it
 *   costs a few hundred KiB of code, a small part of the cold start.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { buildSync } from 'esbuild';
import { HandlerBundleError } from './errors.js';

/** The handler's file name inside the archive; the Lambda `handler` setting is `index.<export>`. */
export const BUNDLE_MODULE = 'index';

/** A handler to bundle: its entry file relative to the repository root and the export Lambda calls. */
export interface HandlerSource {
  /** e.g. `processors/stream-processor/handler.ts` */
  readonly entry: string;
  /** @default 'handler' */
  readonly exportName?: string;
}

/** A bundled handler, ready to be a Lambda function's `code`. */
export interface BundledHandler {
  readonly archive: pulumi.asset.AssetArchive;
  /** The Lambda `handler` setting, e.g. `index.handler`. */
  readonly handler: string;
  /** sha256 of the bundle: a version label that changes exactly when the deployed code does. */
  readonly sha256: string;
}

/** Turns a handler source into a deployable archive; injectable so tests can pass a stub. */
export type HandlerBundler = (source: HandlerSource) => BundledHandler;

const defaultRootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** ESM output has no `require`; CommonJS dependencies bundled into it still call it. */
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Creates the esbuild bundler used by `pulumi up`.
 *
 * @param rootDir repository root the entries are relative to; defaults to the folder above `pulumi/`
 * @example
 * const bundle = esbuildBundler()({ entry: 'processors/ingest/handler.ts' });
 * new aws.lambda.Function('ingest', { code: bundle.archive, handler: bundle.handler, ... });
 */
export function esbuildBundler(rootDir: string = defaultRootDir): HandlerBundler {
  return (source) => {
    const exportName = source.exportName ?? 'handler';
    const outfile = path.join(rootDir, '.pulumi-bundles', `${BUNDLE_MODULE}.mjs`);
    let result: ReturnType<typeof buildSync>;
    try {
      result = buildSync({
        absWorkingDir: rootDir,
        entryPoints: [source.entry],
        outfile,
        bundle: true,
        write: false,
        platform: 'node',
        target: 'node24',
        format: 'esm',
        minify: true,
        // A separate .map file plus the sourceMappingURL comment that --enable-source-maps follows.
        sourcemap: 'linked',
        // Stack traces need the mappings, not a second copy of the sources.
        sourcesContent: false,
        legalComments: 'none',
        banner: { js: requireShim },
        logLevel: 'silent',
      });
    } catch (error) {
      throw new HandlerBundleError(source.entry, error instanceof Error ? error.message : String(error), {
        cause: error,
      });
    }
    const outputs = result.outputFiles ?? [];
    const code = outputs.find((f) => f.path.endsWith('.mjs'));
    const map = outputs.find((f) => f.path.endsWith('.mjs.map'));
    if (code === undefined || map === undefined) {
      throw new HandlerBundleError(source.entry, 'esbuild produced no module or no source map');
    }
    return {
      archive: new pulumi.asset.AssetArchive({
        [`${BUNDLE_MODULE}.mjs`]: new pulumi.asset.StringAsset(code.text),
        [`${BUNDLE_MODULE}.mjs.map`]: new pulumi.asset.StringAsset(map.text),
      }),
      handler: `${BUNDLE_MODULE}.${exportName}`,
      sha256: createHash('sha256').update(code.contents).digest('hex'),
    };
  };
}
