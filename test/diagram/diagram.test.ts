// Diagram model, layout and SVG: snapshots of the paper's networks, geometry and stability checks.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { contractionPath } from '../../server/src/cost';
import { drawNetwork, edgeWidth, type DiagramLayout } from '../../server/src/diagram';
import { boxAround, overlaps } from '../../server/src/diagram/geometry';
import { diagramSteps } from '../../server/src/diagram/path';
import { einsumNetwork } from '../../server/src/network/einsum';
import type { Network } from '../../server/src/network/ir';
import { conv2d, chain, FIXTURES, groupedConv, kfc, ring, twoTerms, unfold } from './fixtures';

const SNAPSHOTS = join(__dirname, 'snapshots');

/** Every pair of labels (node names, index labels, signs) whose boxes overlap. */
function overlappingLabels(layout: DiagramLayout): string[] {
    const found: string[] = [];
    const { labels } = layout;
    for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) {
            const a = labels[i]!;
            const b = labels[j]!;
            if (overlaps(boxAround(a, a.width, a.height), boxAround(b, b.width, b.height))) {
                found.push(`${a.text} / ${b.text}`);
            }
        }
    }
    return found;
}

function count(svg: string, pattern: RegExp): number {
    return [...svg.matchAll(pattern)].length;
}

void describe('diagram snapshots', () => {
    for (const [name, make] of Object.entries(FIXTURES)) {
        void it(`draws ${name} as its snapshot`, async () => {
            const { svg } = await drawNetwork(make());
            const file = join(SNAPSHOTS, `${name}.svg`);
            if (process.env.UPDATE_SNAPSHOTS === '1') {
                mkdirSync(SNAPSHOTS, { recursive: true });
                writeFileSync(file, svg);
            }
            assert.equal(
                svg,
                readFileSync(file, 'utf8'),
                `${name}.svg changed; UPDATE_SNAPSHOTS=1 to accept`,
            );
        });
    }
});

void describe('diagram geometry', () => {
    const networks: [string, Network][] = [
        ...Object.entries(FIXTURES).map(([name, make]): [string, Network] => [name, make()]),
        ['ring of 16', ring(16)],
        ['ring of 40', ring(40)],
        ['outer product', einsumNetwork('i,j,k->ijk', [[3], [4], [5]])],
        [
            'parallel edges',
            einsumNetwork('ijkl,ijkl->', [
                [2, 3, 4, 5],
                [2, 3, 4, 5],
            ]),
        ],
        [
            'diagonal and trace',
            einsumNetwork('iij,jkk->i', [
                [3, 3, 4],
                [4, 5, 5],
            ]),
        ],
    ];
    for (const [name, network] of networks) {
        void it(`places no two labels of ${name} over each other`, async () => {
            const { layout } = await drawNetwork(network);
            assert.deepEqual(overlappingLabels(layout), []);
        });
    }

    void it('labels every tensor node with data-tensor and every edge with data-index', async () => {
        const { svg, layout } = await drawNetwork(conv2d());
        assert.equal(count(svg, /<g class="tn-node [^"]*" data-tensor="/g), 5);
        for (const name of ['X', 'P', 'Q', 'K', 'Y'])
            assert.match(svg, new RegExp(`data-tensor="${name}"`));
        assert.equal(
            count(svg, /<path class="tn-edge" data-index="/g),
            layout.edges.filter((edge) => edge.kind !== 'bundle').length,
        );
        // Nine indices, each one edge between two factors (the output counted as one).
        assert.equal(layout.edges.length, 9);
        assert.equal(count(svg, /<text class="tn-label" data-index="/g), 9);
        assert.doesNotMatch(svg, /style="/);
    });

    void it('styles inputs, patterns and the output apart', async () => {
        const { svg } = await drawNetwork(conv2d());
        assert.equal(count(svg, /class="tn-node tn-input"/g), 2);
        assert.equal(count(svg, /class="tn-node tn-pattern"/g), 2);
        assert.equal(count(svg, /class="tn-node tn-output"/g), 1);
    });

    void it('draws an index of three factors as a hyperedge through a junction', async () => {
        const { svg, layout } = await drawNetwork(groupedConv());
        const spokes = layout.edges.filter((edge) => edge.index === 'g');
        assert.equal(spokes.length, 3);
        assert.ok(spokes.every((edge) => edge.kind === 'spoke'));
        assert.equal(count(svg, /<circle class="tn-junction" data-index="g"/g), 1);
    });

    void it('bundles the parts of a grouped axis', async () => {
        const { layout, svg } = await drawNetwork(unfold());
        const atOutput = layout.edges.filter(
            (edge) => edge.kind === 'bundle' && edge.ends[0] === 't0:out',
        );
        assert.deepEqual(
            atOutput.map((edge) => [edge.index, edge.size]),
            [
                ['c i j', 18],
                ['y x', 480],
            ],
        );
        // The parts' edges leave from the bundle's end, not from the node.
        const c = layout.edges.filter((edge) => edge.index === 'c');
        assert.deepEqual(
            c.map((edge) => edge.ends),
            [['t0:o0', 't0:out:b1']],
        );
        assert.equal(count(svg, /<path class="tn-bundle" data-index="c i j"/g), 1);
    });

    void it('grows edge width with the log of the size', () => {
        assert.ok(edgeWidth(2) < edgeWidth(16));
        assert.ok(edgeWidth(16) < edgeWidth(512));
        assert.ok(edgeWidth(1e12) <= 8);
        assert.ok(Math.abs(edgeWidth(64) - edgeWidth(32) - (edgeWidth(8) - edgeWidth(4))) < 1e-9);
    });

    void it('draws loops, stubs and dangling legs', async () => {
        const { layout } = await drawNetwork(twoTerms());
        assert.deepEqual(
            layout.edges.filter((edge) => edge.kind === 'loop').map((edge) => edge.index),
            ['t'],
        );
        assert.deepEqual(
            layout.edges.filter((edge) => edge.kind === 'leg').map((edge) => edge.index),
            ['s'],
        );
        const legs = await drawNetwork(chain(), { output: 'legs' });
        assert.equal(legs.layout.nodes.filter((node) => node.kind === 'leg').length, 2);
        assert.equal(legs.layout.nodes.filter((node) => node.kind === 'output').length, 0);
    });

    void it('sets terms side by side with their sign and scale', async () => {
        const two = await drawNetwork(twoTerms());
        assert.equal(two.layout.terms.length, 2);
        const [first, second] = two.layout.terms;
        assert.ok(first!.box.x + first!.box.width < second!.box.x);
        assert.deepEqual(
            two.layout.labels.filter((label) => label.kind === 'sign').map((label) => label.text),
            ['−'],
        );
        const scaled = await drawNetwork(kfc());
        assert.deepEqual(
            scaled.layout.labels
                .filter((label) => label.kind === 'sign')
                .map((label) => label.text),
            ['1/2 ·'],
        );
    });

    void it('is deterministic', async () => {
        const first = await drawNetwork(kfc());
        const second = await drawNetwork(kfc());
        assert.equal(first.svg, second.svg);
    });

    void it('keeps unchanged nodes in place when a factor is added', async () => {
        const before = await drawNetwork(conv2d());
        const grown = conv2d();
        grown.sizes.d = 16;
        grown.terms[0]!.operands.push({
            name: 'S',
            source: { kind: 'tensor', tensor: 'S' },
            axes: [['d']],
            indices: ['d'],
            dtype: 'f32',
        });
        const after = await drawNetwork(grown, { hints: before.layout.hints });
        for (const key of Object.keys(before.layout.hints)) {
            if (key.includes('junction')) continue;
            const a = before.layout.hints[key]!;
            const b = after.layout.hints[key];
            assert.ok(b !== undefined, key);
            assert.ok(
                Math.hypot(a.x - b.x, a.y - b.y) < 20,
                `${key} moved from ${JSON.stringify(a)} to ${JSON.stringify(b)}`,
            );
        }
        assert.ok(after.layout.hints['0:S#0'] !== undefined);
    });
});

void describe('diagram path steps', () => {
    void it('maps the chain A·B·C onto its nodes, A with B first', () => {
        const network = chain();
        const report = contractionPath(network.terms[0]!, network.sizes, 'f32', {
            optimizer: 'optimal',
        });
        const steps = diagramSteps(0, 3, report.steps);
        assert.equal(steps.length, 2);
        assert.deepEqual(steps[0]!.merged, [['t0:o0'], ['t0:o1']]);
        assert.deepEqual(steps[0]!.indices, ['i', 'k']);
        assert.deepEqual(steps[0]!.shape, [64, 8]);
        assert.deepEqual(steps[1]!.merged.flat().sort(), ['t0:o0', 't0:o1', 't0:o2']);
        assert.equal(steps[1]!.totalFlops, report.flops);
        assert.equal(steps[0]!.flops, 2 * 64 * 512 * 8);
    });
});
