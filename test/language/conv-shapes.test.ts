// Every convolution configuration of the shared edge cases, as `.tnet` text: shapes and error codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';

type Hyper = number | string | number[];

interface Case {
    x?: number[];
    w?: number[];
    in?: number;
    kernel?: number | number[];
    stride?: Hyper;
    padding?: Hyper;
    dilation?: Hyper;
    output_padding?: Hyper;
    groups?: number;
    expect?: number[];
    code?: string;
}

const cases = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'cases', 'conv-shapes.json'), 'utf8'),
) as Record<string, Case[]>;

function literal(value: Hyper): string {
    if (typeof value === 'string') return `"${value}"`;
    if (Array.isArray(value))
        return value.length === 1 ? `(${value[0]},)` : `(${value.join(', ')})`;
    return String(value);
}

function keywords(entry: Case, names: (keyof Case)[]): string {
    return names
        .filter((name) => entry[name] !== undefined)
        .map((name) => `, ${name}=${literal(entry[name] as Hyper)}`)
        .join('');
}

const HYPER: (keyof Case)[] = ['stride', 'padding', 'dilation'];

/** The text of one case; the statement under test defines `Y`. */
function source(kind: string, entry: Case): string {
    if (kind === 'patterns') {
        return `pattern Y = conv(in=${entry.in}, kernel=${entry.kernel}${keywords(entry, HYPER)})\n`;
    }
    const x = `tensor X[${entry.x!.join(', ')}]\n`;
    const w = entry.w === undefined ? '' : `tensor W[${entry.w.join(', ')}]\n`;
    if (kind === 'conv' || kind === 'errors') {
        return `${x}${w}Y = conv(X, W${keywords(entry, [...HYPER, 'groups'])})\n`;
    }
    if (kind === 'conv_transpose') {
        return `${x}${w}Y = conv_transpose(X, W${keywords(entry, ['stride', 'padding', 'output_padding', 'dilation', 'groups'])})\n`;
    }
    return `${x}Y = ${kind}(X, kernel=${literal(entry.kernel!)}${keywords(entry, [...HYPER, 'groups'])})\n`;
}

for (const [kind, entries] of Object.entries(cases)) {
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, position) => {
        void test(`${kind} ${position}: ${JSON.stringify(entry)}`, () => {
            const text = source(kind, entry);
            const analysis = analyze(text);
            const y = analysis.symbols.find((symbol) => symbol.name === 'Y');
            if (entry.code !== undefined) {
                assert.deepEqual(
                    analysis.diagnostics.map((diagnostic) => diagnostic.code),
                    [entry.code],
                    text,
                );
                assert.equal(y?.shape, undefined);
                return;
            }
            // A pattern that nothing uses is W101, and nothing else may be reported.
            const reported = analysis.diagnostics.filter(
                (diagnostic) => diagnostic.code !== 'W101',
            );
            assert.deepEqual(reported, [], text);
            assert.deepEqual(y?.shape, entry.expect, text);
        });
    });
}
