/**
 * Whether the WebGPU suites can run: the vitest config points the test processes at SwiftShader
 * (tools/software-gpu.mts) and says so in IMPRINT_TEST_WEBGPU, else gives the reason, printed once.
 */
export const webgpuAvailable = process.env.IMPRINT_TEST_WEBGPU === '1';
if (!webgpuAvailable) process.stderr.write(`WebGPU suites SKIPPED: ${process.env.IMPRINT_TEST_WEBGPU ?? 'run them through vitest (the config sets up SwiftShader)'}\n`);
