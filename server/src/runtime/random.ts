/** Deterministic inputs: a seeded generator, so that a run without `--input` repeats exactly. */
import type { Float } from './cpu';

/** A 32-bit generator (SplitMix-style mixing of a Weyl sequence); uniform in [0, 1). */
export function generator(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x9e3779b9) >>> 0;
        let z = state;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        z = (z ^ (z >>> 16)) >>> 0;
        return z / 4294967296;
    };
}

/** Fills an array with values uniform in [-1, 1); each tensor gets its own stream from the seed. */
export function fillRandom(data: Float, seed: number, stream: string): Float {
    let hash = seed >>> 0;
    for (let at = 0; at < stream.length; at++) {
        hash = Math.imul(hash ^ stream.charCodeAt(at), 0x01000193) >>> 0;
    }
    const next = generator(hash);
    for (let at = 0; at < data.length; at++) data[at] = 2 * next() - 1;
    return data;
}
