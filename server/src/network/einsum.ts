/**
 * A plain einsum expression as a one-term network: the quick way to build a network from
 * `"ij,jk->ik"` and shapes, for tests, benchmarks and tools. The `.tnet` einsum form (with `...`
 * and its diagnostics) is the language's; this builder assumes valid input and throws otherwise.
 */
import type { DType, Network, Operand } from './ir';

export interface EinsumOptions {
    names?: string[];
    dtype?: DType;
    name?: string;
}

export function einsumNetwork(
    spec: string,
    shapes: readonly (readonly number[])[],
    options: EinsumOptions = {},
): Network {
    const [lhs, explicit] = spec.replace(/\s+/g, '').split('->') as [string, string | undefined];
    const inputs = lhs.split(',');
    if (inputs.length !== shapes.length) {
        throw new Error(
            `einsum "${spec}" has ${inputs.length} operands but ${shapes.length} shapes`,
        );
    }
    const dtype = options.dtype ?? 'f32';
    const sizes: Record<string, number> = {};
    const counts = new Map<string, number>();
    const operands: Operand[] = inputs.map((subscripts, position) => {
        const shape = shapes[position]!;
        const indices = [...subscripts];
        if (indices.length !== shape.length) {
            throw new Error(`operand ${position} "${subscripts}" has rank ${shape.length}`);
        }
        indices.forEach((index, axis) => {
            const size = shape[axis]!;
            if (sizes[index] !== undefined && sizes[index] !== size) {
                throw new Error(`index ${index} is ${sizes[index]} and ${size}`);
            }
            sizes[index] = size;
            counts.set(index, (counts.get(index) ?? 0) + 1);
        });
        return {
            name: options.names?.[position] ?? `T${position}`,
            source: { kind: 'tensor', tensor: options.names?.[position] ?? `T${position}` },
            axes: indices.map((index) => [index]),
            indices,
            dtype,
        };
    });
    const output =
        explicit !== undefined
            ? [...explicit]
            : [...counts.keys()].filter((index) => counts.get(index) === 1).sort();
    return {
        name: options.name ?? 'out',
        sizes,
        output: { axes: output.map((index) => [index]), indices: output, dtype },
        terms: [{ scale: 1, operands, output }],
    };
}
