export { createEngine, onnxEngine, type OnnxEngine, type OnnxEngineOptions } from './engine.js';
export { GraphBuilder, type AttributeValue, type Dim, type GraphElement } from './graph.js';
export { SUPPORTED_ORT, loadOnnxRuntime, type OrtElement, type OrtRuntime, type OrtSession, type OrtSessionOptions } from './runtime.js';
export { CONVERTER_VERSION, createBackboneLoader, onnxBackbones, onnxEmbeddedBackbone, type OnnxEmbeddedOptions } from './models/embedded.js';
export { ONNX_METADATA_KEYS, onnxModel, onnxModelIdentity, type OnnxModelOptions } from './models/onnx-model.js';
export { DEVICE_CHOICES, deviceUnavailable, vulkanDrivers, type OnnxDevice, type OnnxDeviceChoice, type VulkanDriver } from './device.js';
export { resolveDevice, type ResolvedDevice } from './device-choice.js';
export type { Placement } from './sessions.js';
