/**
 * Entry point of the policy pack, as Pulumi loads it: `pulumi preview --policy-pack policy` runs
 * `@pulumi/pulumi/cmd/run-policy-pack`, which registers its own ts-node (whatever PulumiPolicy.yaml says)
 * and `require()`s this directory, i.e. this file (package.json `main`). That ts-node leaves a CommonJS
 * file alone, so this one loads the TypeScript ES modules of the pack itself through tsx (a dev dependency
 * of the repository, the loader the Pulumi program runs with), without registering tsx process-wide:
 * https://tsx.is/dev-api. The runner awaits the exported promise, so a load error fails the run.
 * Why nothing simpler works: docs/deploy.md (Policy pack).
 */
const { pathToFileURL } = require('node:url');

// The ES module build of tsx's API: its CommonJS build (tsx 4.23) registers its loader from a wrong path.
module.exports = import('tsx/esm/api').then(({ tsImport }) =>
  tsImport('./pack.ts', pathToFileURL(__filename).href),
);
