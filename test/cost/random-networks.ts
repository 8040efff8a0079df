// Seeded random einsum expressions, numpy-compatible (at most 52 one-letter indices).
import { seededRandom } from '../../server/src/cost/greedy';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface RandomEinsumOptions {
    /** Indices per tensor on average (each plain index joins two tensors). */
    regularity?: number;
    outputs?: number;
    minSize?: number;
    maxSize?: number;
    /** Chance that an index joins three tensors instead of two. */
    hyperChance?: number;
    /** Chance that a tensor gets an index of its own that the output lacks. */
    privateChance?: number;
}

export interface RandomEinsum {
    spec: string;
    shapes: number[][];
}

export function randomEinsum(
    n: number,
    seed: number,
    options: RandomEinsumOptions = {},
): RandomEinsum {
    const random = seededRandom(seed);
    const pick = (count: number): number => Math.floor(random() * count);
    const regularity = options.regularity ?? 2.5;
    const outputs = options.outputs ?? 2;
    const minSize = options.minSize ?? 2;
    const maxSize = options.maxSize ?? 8;
    const tensors: string[][] = Array.from({ length: n }, () => []);
    const sizes = new Map<string, number>();
    let next = 0;
    const fresh = (): string | undefined => {
        if (next >= LETTERS.length) return undefined;
        const letter = LETTERS[next++]!;
        sizes.set(letter, minSize + pick(maxSize - minSize + 1));
        return letter;
    };
    const attach = (letter: string, count: number, first?: number): void => {
        const chosen = new Set<number>(first === undefined ? [] : [first]);
        while (chosen.size < Math.min(count, n)) chosen.add(pick(n));
        for (const t of chosen) tensors[t]!.push(letter);
    };

    const output: string[] = [];
    for (let k = 0; k < outputs; k++) {
        const letter = fresh();
        if (letter === undefined) break;
        output.push(letter);
        attach(letter, 1);
    }
    const edges = Math.round((n * regularity) / 2);
    for (let k = 0; k < edges && next < LETTERS.length - n; k++) {
        attach(fresh()!, random() < (options.hyperChance ?? 0.1) ? 3 : 2);
    }
    for (let t = 0; t < n; t++) {
        const needsEdge = tensors[t]!.length === 0;
        if ((needsEdge || random() < (options.privateChance ?? 0)) && next < LETTERS.length) {
            const letter = fresh()!;
            if (needsEdge && n > 1) attach(letter, 2, t);
            else tensors[t]!.push(letter);
        }
    }
    const shapes = tensors.map((letters) => letters.map((letter) => sizes.get(letter)!));
    return {
        spec: `${tensors.map((letters) => letters.join('')).join(',')}->${output.join('')}`,
        shapes,
    };
}
