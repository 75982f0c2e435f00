import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real emulators; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.spec.ts'] } },
      { extends: true, test: { name: 'int', include: ['test/**/*.int.spec.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/**/*.infra.spec.ts'] } },
      // IAM contract: the handlers' recorded SDK calls and the services' documented needs against the program's policies.
      { extends: true, test: { name: 'iam', include: ['test/**/*.iam.spec.ts'] } },
    ],
  },
});
