// Diagrams of whole .tnet files through the language core: the brief's examples and examples/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { drawNetwork } from '../../server/src/diagram';
import { boxAround, overlaps } from '../../server/src/diagram/geometry';
import { analyze } from '../../server/src/language/analyze';

const ROOT = join(__dirname, '..', '..');
const SNAPSHOTS = join(__dirname, 'snapshots');

function tnetFiles(folder: string): string[] {
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
        .filter((name) => name.endsWith('.tnet'))
        .sort()
        .map((name) => join(folder, name));
}

const files = [...tnetFiles(join(__dirname, 'tnet')), ...tnetFiles(join(ROOT, 'examples'))];

void describe('diagrams of .tnet files', () => {
    void it('has the files to draw', () => {
        assert.ok(files.length >= 5);
    });
    for (const file of files) {
        const folder = file.includes(`${join('test', 'diagram')}`) ? 'brief' : 'examples';
        void it(`draws every equation of ${folder}/${basename(file)}`, async () => {
            const analysis = analyze(readFileSync(file, 'utf8'));
            assert.ok(analysis.equations.length > 0);
            for (const equation of analysis.equations) {
                const network = equation.network;
                assert.ok(network !== undefined, `${equation.name} has no network`);
                const { svg, layout } = await drawNetwork(network);
                const tensors = network.terms.reduce((n, term) => n + term.operands.length + 1, 0);
                assert.equal(
                    layout.nodes.filter((node) => node.tensor !== undefined).length,
                    tensors,
                );
                const labels = layout.labels;
                for (let i = 0; i < labels.length; i++) {
                    for (let j = i + 1; j < labels.length; j++) {
                        const a = labels[i]!;
                        const b = labels[j]!;
                        const clash = overlaps(
                            boxAround(a, a.width, a.height),
                            boxAround(b, b.width, b.height),
                        );
                        assert.ok(!clash, `${equation.name}: '${a.text}' overlaps '${b.text}'`);
                    }
                }
                const name = `${folder}-${basename(file, '.tnet')}-${equation.name}.svg`;
                const snapshot = join(SNAPSHOTS, name);
                // A new file of examples/ (written by others) gets its snapshot on first run; a
                // missing snapshot of the brief's files is a failure.
                const firstRun = folder === 'examples' && !existsSync(snapshot);
                if (process.env.UPDATE_SNAPSHOTS === '1' || firstRun) {
                    mkdirSync(SNAPSHOTS, { recursive: true });
                    writeFileSync(snapshot, svg);
                }
                assert.equal(svg, readFileSync(snapshot, 'utf8'), `${name} changed`);
            }
        });
    }
});
