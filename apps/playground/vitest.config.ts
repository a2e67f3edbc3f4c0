import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../tools/vitest.shared';

// The browser tests build nothing themselves: nx runs `build` first (test dependsOn build).
export default mergeConfig(shared, defineConfig({ test: { name: '@imprint/playground', testTimeout: 300_000, hookTimeout: 300_000 } }));
