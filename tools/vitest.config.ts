import { defineConfig, mergeConfig } from 'vitest/config';
import shared from './vitest.shared';

export default mergeConfig(shared, defineConfig({ test: { name: '@imprint/tools', include: ['plugin/**/*.test.ts', 'docs/**/*.test.ts', 'lint/**/*.test.ts', 'cluster/**/*.test.ts'], typecheck: { enabled: false } } }));
