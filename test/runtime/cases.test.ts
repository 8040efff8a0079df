// The shared convolution cases (test/cases/conv-shapes.json: shapes and hyper-parameters with
// the shapes PyTorch gives) run from .tnet text on the CPU: every result has PyTorch's shape, and the
// small ones match the naive convolution; conv_transpose against its defining sum.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { runJob } from '../../server/src/runtime/jobs';
import { parseNpy, serializeNpy } from '../../server/src/runtime/npy';
import { type ConvCase, convReference, multiIndices } from './networks';

interface Spec {
    x: number[];
    w: number[];
    stride?: number | number[];
    padding?: number | string | number[];
    dilation?: number | number[];
    groups?: number;
    output_padding?: number;
    expect: number[];
}

const CASES = JSON.parse(
    readFileSync(join(__dirname, '..', 'cases', 'conv-shapes.json'), 'utf8'),
) as { conv: Spec[] };
const CONV = CASES.conv;

const directory = mkdtempSync(join(tmpdir(), 'tnet-cases-'));

function literal(value: number | string | number[]): string {
    if (typeof value === 'string') return `"${value}"`;
    return Array.isArray(value) ? `(${value.join(', ')})` : String(value);
}

function source(spec: Spec, call: string): string {
    const options = (['stride', 'padding', 'dilation', 'groups', 'output_padding'] as const)
        .filter((key) => spec[key] !== undefined)
        .map((key) => `, ${key}=${literal(spec[key]!)}`)
        .join('');
    return `tensor X[${spec.x.join(', ')}] : f64\ntensor W[${spec.w.join(', ')}] : f64\nY = ${call}(X, W${options})\n`;
}

function values(shape: number[], shift: number): Float64Array {
    const length = shape.reduce((a, b) => a * b, 1);
    return Float64Array.from({ length }, (_, at) => Math.sin(0.71 * at + shift));
}

async function run(
    spec: Spec,
    call: string,
    name: string,
): Promise<{ shape: number[]; data: ArrayLike<number>; x: Float64Array; w: Float64Array }> {
    const file = join(directory, `${name}.tnet`);
    writeFileSync(file, source(spec, call));
    const x = values(spec.x, 1);
    const w = values(spec.w, 2);
    writeFileSync(
        join(directory, `${name}-x.npy`),
        serializeNpy({ dtype: 'f64', shape: spec.x, data: x }),
    );
    writeFileSync(
        join(directory, `${name}-w.npy`),
        serializeNpy({ dtype: 'f64', shape: spec.w, data: w }),
    );
    const out = join(directory, `${name}-y.npy`);
    await runJob({
        file,
        backend: 'cpu',
        inputs: { X: join(directory, `${name}-x.npy`), W: join(directory, `${name}-w.npy`) },
        save: { Y: out },
    });
    const result = parseNpy(readFileSync(out));
    return { shape: result.shape, data: result.data, x, w };
}

function padding(spec: Spec): [number, number][] {
    const dims = spec.x.length - 2;
    const kernel = spec.w.slice(2);
    const dilation = (axis: number): number =>
        Array.isArray(spec.dilation) ? spec.dilation[axis]! : (spec.dilation ?? 1);
    return Array.from({ length: dims }, (_, axis) => {
        const p = spec.padding;
        if (p === 'same') {
            const total = dilation(axis) * (kernel[axis]! - 1);
            return [Math.floor(total / 2), total - Math.floor(total / 2)];
        }
        const value = Array.isArray(p) ? p[axis]! : typeof p === 'number' ? p : 0;
        return [value, value];
    });
}

function asCase(spec: Spec): ConvCase {
    const dims = spec.x.length - 2;
    const each = (value: number | number[] | undefined): number[] =>
        Array.from({ length: dims }, (_, axis) =>
            Array.isArray(value) ? value[axis]! : (value ?? 1),
        );
    return {
        x: spec.x,
        w: spec.w,
        stride: each(spec.stride),
        dilation: each(spec.dilation),
        padding: padding(spec),
        groups: spec.groups ?? 1,
    };
}

void describe('the shared convolution cases, from .tnet text (cpu)', () => {
    CONV.forEach((spec, at) => {
        const work =
            spec.expect.reduce((a, b) => a * b, 1) * spec.w.slice(1).reduce((a, b) => a * b, 1);
        void it(`conv x=[${spec.x}] w=[${spec.w}] → [${spec.expect}]`, async () => {
            const result = await run(spec, 'conv', `conv${at}`);
            assert.deepEqual(result.shape, spec.expect);
            // The naive reference is slow in JavaScript: it checks the cases of modest size.
            if (work > 3e6) return;
            const expected = convReference(asCase(spec), result.x, result.w);
            let worst = 0;
            for (let i = 0; i < expected.length; i++)
                worst = Math.max(worst, Math.abs(result.data[i]! - expected[i]!));
            assert.ok(worst < 1e-9, `differs by ${worst}`);
        });
    });

    void it('conv_transpose x=[5,2,9] w=[2,3,3], stride 2, padding 1, output_padding 1, dilation 2', async () => {
        const spec: Spec = {
            x: [5, 2, 9],
            w: [2, 3, 3],
            stride: 2,
            padding: 1,
            output_padding: 1,
            dilation: 2,
            expect: [5, 3, 20],
        };
        const result = await run(spec, 'conv_transpose', 'transpose');
        assert.deepEqual(result.shape, [5, 3, 20]);
        // Y[n, d, i] = Σ_{c, o, k: i = 2*o + 2*k - 1} X[n, c, o] W[c, d, k]
        const expected = new Float64Array(5 * 3 * 20);
        for (const [n, c, o] of multiIndices([5, 2, 9])) {
            for (let d = 0; d < 3; d++) {
                for (let k = 0; k < 3; k++) {
                    const i = 2 * o! + 2 * k - 1;
                    if (i < 0 || i >= 20) continue;
                    expected[(n! * 3 + d) * 20 + i]! +=
                        result.x[(n! * 2 + c!) * 9 + o!]! * result.w[(c! * 3 + d) * 3 + k]!;
                }
            }
        }
        let worst = 0;
        for (let i = 0; i < expected.length; i++)
            worst = Math.max(worst, Math.abs(result.data[i]! - expected[i]!));
        assert.ok(worst < 1e-9, `differs by ${worst}`);
    });
});
