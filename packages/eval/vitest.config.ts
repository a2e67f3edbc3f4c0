import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../tools/vitest.shared';
import { useSoftwareVulkan } from '../../tools/software-gpu.mts';

// The WebGPU suites run on SwiftShader (Chromium's software Vulkan driver), set up before the test processes start.
useSoftwareVulkan();

export default mergeConfig(shared, defineConfig({ test: { name: '@imprint/eval' } }));
