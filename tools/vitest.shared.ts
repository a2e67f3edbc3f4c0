import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of the workspace packages (the `@imprint/source`
// export condition), on the tfjs backend named by IMPRINT_TEST_BACKEND (wasm by default).
const conditions = ['@imprint/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@imprint/source'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    // Generous: the suites must pass on a machine whose cores are busy with other work (a grid
    // test that takes 28 s alone took over 60 s beside `pnpm bench`); a hang still fails.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // In CI each project also writes a JSON report that tools/test-summary.mjs adds up.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
