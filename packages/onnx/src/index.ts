export { createEngine, onnxEngine, type OnnxEngine, type OnnxEngineOptions } from './engine.js';
export { GraphBuilder, type AttributeValue, type Dim, type GraphElement } from './graph.js';
export { SUPPORTED_ORT, loadOnnxRuntime, type OrtElement, type OrtRuntime, type OrtSession } from './runtime.js';
