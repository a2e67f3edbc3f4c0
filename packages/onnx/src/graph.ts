import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types of graph inputs, outputs and constants. */
export type GraphElement = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';
const ELEMENT: Record<GraphElement, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  uint8: onnx.TensorProto.DataType.UINT8,
};

/** A dimension: a fixed size, or a name for a size known only at run time. */
export type Dim = number | string;
/** An attribute: an integer, a list of integers, a string, or `{ float }` for a float. */
export type AttributeValue = number | readonly number[] | string | { readonly float: number };

/**
 * A small builder of ONNX graphs in code (ONNX opset 17), for the engine's kernels and models:
 * inputs, outputs, constants and nodes by operator name. `encode()` gives the model bytes that
 * onnxruntime loads.
 */
export class GraphBuilder {
  readonly #inputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  readonly #outputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  readonly #nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  readonly #initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  #counter = 0;

  constructor(readonly name: string) {}

  static #valueInfo(name: string, type: GraphElement, dims: readonly Dim[]): ReturnType<typeof onnx.ValueInfoProto.create> {
    return onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: ELEMENT[type], shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
    });
  }

  input(name: string, type: GraphElement, dims: readonly Dim[]): string {
    this.#inputs.push(GraphBuilder.#valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: GraphElement, dims: readonly Dim[]): string {
    this.#outputs.push(GraphBuilder.#valueInfo(name, type, dims));
    return name;
  }

  /** A constant tensor (an initializer); returns its name. */
  constant(values: Float32Array | Float64Array | readonly number[], dims: readonly number[], type: GraphElement = 'float32', name = `const_${this.#counter++}`): string {
    const tensor =
      type === 'int64' || type === 'int32'
        ? onnx.TensorProto.create({ name, dataType: ELEMENT[type], dims: [...dims], ...(type === 'int64' ? { int64Data: Array.from(values as readonly number[]) } : { int32Data: Array.from(values as readonly number[]) }) })
        : onnx.TensorProto.create({
            name,
            dataType: ELEMENT[type],
            dims: [...dims],
            rawData: new Uint8Array((type === 'float32' ? Float32Array.from(values as ArrayLike<number>) : Float64Array.from(values as ArrayLike<number>)).buffer),
          });
    this.#initializers.push(tensor);
    return name;
  }

  /** Add a node; returns its output names (`outputs` given, or one fresh name per `outputCount`). */
  node(op: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}, outputs: readonly string[] | number = 1, domain = ''): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => `${op.toLowerCase()}_${this.#counter++}`) : [...outputs];
    const attribute = Object.entries(attributes).map(([key, value]) => {
      const A = onnx.AttributeProto.AttributeType;
      if (typeof value === 'string') return { name: key, type: A.STRING, s: new TextEncoder().encode(value) };
      if (Array.isArray(value)) return { name: key, type: A.INTS, ints: [...value] };
      if (typeof value === 'object') return { name: key, type: A.FLOAT, f: (value as { float: number }).float };
      return { name: key, type: A.INT, i: value as number };
    });
    this.#nodes.push(onnx.NodeProto.create({ opType: op, input: [...inputs], output: names, attribute, domain }));
    return names;
  }

  /** The first output of a one-output node. */
  op(op: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): string {
    return this.node(op, inputs, attributes)[0];
  }

  /** The model bytes; `metadata` becomes the model's `metadata_props`. */
  encode(metadata: Readonly<Record<string, string>> = {}): Uint8Array {
    const graph = onnx.GraphProto.create({ name: this.name, node: this.#nodes, input: this.#inputs, output: this.#outputs, initializer: this.#initializers });
    const metadataProps = Object.entries(metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
    return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: '@imprint/onnx', opsetImport: [{ domain: '', version: 17 }], graph, metadataProps })).finish();
  }
}
