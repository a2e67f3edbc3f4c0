import { describeEngineContract } from '@imprint/core/testing';
import { onnxEngine } from '../index.js';

describeEngineContract('onnx, 2 threads', () => onnxEngine({ threads: 2 }));
describeEngineContract('onnx, 1 thread', () => onnxEngine({ threads: 1 }));
