import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../tools/vitest.shared';

export default mergeConfig(shared, defineConfig({ test: { name: 'imprint-plugin-gaussian-mixture' } }));
