/**
 * Diagram layout: places each term's nodes with elkjs's stress layout, removes overlaps, routes the
 * edges, places every label where it overlaps nothing, and sets the terms
 * side by side. Deterministic for the same input; previous positions, passed as hints, keep
 * unchanged nodes where they were.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import {
    type Box,
    boxAround,
    LABEL_FONT_SIZE,
    NODE_FONT_SIZE,
    overlaps,
    type Point,
    quadraticPoint,
    quadraticTangent,
    rayExit,
    textWidth,
    unionBox,
} from './geometry';
import type { DiagramEdge, DiagramModel, DiagramNode, DiagramTerm } from './model';

export interface PlacedNode extends DiagramNode {
    /** The centre. */
    x: number;
    y: number;
    width: number;
    height: number;
}

export interface PlacedEdge extends DiagramEdge {
    /** Stroke width, growing with the log of the index's size. */
    width: number;
    /** The curve: a line when `curved` is false, else a quadratic (or, with `control2`, cubic) one. */
    from: Point;
    control: Point;
    control2?: Point;
    to: Point;
    curved: boolean;
}

export type LabelKind = 'node' | 'index' | 'sign';

export interface PlacedLabel {
    kind: LabelKind;
    text: string;
    /** For index labels, the index; for node labels, the node id. */
    index?: string;
    node?: string;
    term: number;
    /** The centre of the label's box. */
    x: number;
    y: number;
    width: number;
    height: number;
}

/** Node centres by `DiagramNode.key`, in each term's own frame: what the next layout keeps. */
export type LayoutHints = Record<string, Point>;

export interface DiagramLayout {
    name: string;
    width: number;
    height: number;
    nodes: PlacedNode[];
    edges: PlacedEdge[];
    labels: PlacedLabel[];
    terms: { index: number; scale: number; box: Box }[];
    hints: LayoutHints;
}

export interface LayoutOptions {
    /** The previous layout's hints: nodes with the same key start, and stay, where they were. */
    hints?: LayoutHints;
}

const NODE_HEIGHT = 30;
const NODE_MIN_WIDTH = 36;
const POINT_SIZE: Record<string, number> = { junction: 9, leg: 8, sum: 8, bundle: 6 };
const LABEL_HEIGHT = LABEL_FONT_SIZE + 4;
const EDGE_LENGTH = 130;
const NODE_GAP = 16;
const PARALLEL_GAP = 24;
const TERM_GAP = 40;
const PADDING = 16;

let elkInstance: InstanceType<typeof ELK> | undefined;

function elk(): InstanceType<typeof ELK> {
    if (elkInstance === undefined) {
        // Inside a web worker, loading elkjs's own worker code sets the worker's `onmessage` to
        // elkjs's dispatcher, which would cut the host (the language server's connection) off.
        const scope = globalThis as { onmessage?: unknown };
        const own = scope.onmessage;
        elkInstance = new ELK();
        if (scope.onmessage !== own) scope.onmessage = own;
    }
    return elkInstance;
}

/** The stroke width of an index of this size: one more pixel for every factor of about 5. */
export function edgeWidth(size: number): number {
    return Math.min(8, 0.75 + 0.45 * Math.log2(Math.max(1, size)));
}

export async function layoutDiagram(
    model: DiagramModel,
    options: LayoutOptions = {},
): Promise<DiagramLayout> {
    const hints = options.hints ?? {};
    const placed = await Promise.all(model.terms.map((term) => layoutTerm(term, hints)));
    return assemble(model, placed);
}

interface TermLayout {
    term: DiagramTerm;
    nodes: PlacedNode[];
    edges: PlacedEdge[];
    labels: PlacedLabel[];
    hints: LayoutHints;
}

function nodeSize(node: DiagramNode): { width: number; height: number } {
    const point = POINT_SIZE[node.kind];
    if (point !== undefined) return { width: point, height: point };
    const width = Math.max(NODE_MIN_WIDTH, textWidth(node.label, NODE_FONT_SIZE) + 18);
    return { width, height: NODE_HEIGHT };
}

async function layoutTerm(term: DiagramTerm, hints: LayoutHints): Promise<TermLayout> {
    const fixed = new Set(
        term.nodes.filter((node) => hints[node.key] !== undefined).map((n) => n.id),
    );
    // Pinning the hinted nodes keeps an edit local; when few are hinted the layout starts afresh.
    const pin = fixed.size >= 2 && fixed.size * 2 >= term.nodes.length;
    const big = term.nodes.filter((node) => POINT_SIZE[node.kind] === undefined).length;

    let centers: Map<string, Point>;
    if (fixed.size === 0 && big >= 4 && big <= MULTI_START_MAX) {
        // Stress settles in the nearest good layout; from a few starting orders, the one with the
        // fewest crossings wins (the first on a tie).
        let best: { centers: Map<string, Point>; crossings: number } | undefined;
        for (const order of startOrders(big)) {
            const candidate = await stress(
                term,
                initialPositions(term, hints, order),
                fixed,
                false,
            );
            const crossings = countCrossings(term, candidate);
            if (best === undefined || crossings < best.crossings) {
                best = { centers: candidate, crossings };
            }
            if (crossings === 0) break;
        }
        centers = best!.centers;
    } else if (fixed.size === term.nodes.length) {
        // Every node is where it was (an edit that kept the network's shape): nothing to lay out.
        centers = new Map(term.nodes.map((node) => [node.id, { ...hints[node.key]! }]));
    } else {
        const order = Array.from({ length: big }, (_, k) => k);
        centers = await stress(term, initialPositions(term, hints, order), fixed, pin);
    }
    if (fixed.size === 0) orient(term, centers);
    else alignToHints(term, centers, hints);

    const nodes: PlacedNode[] = term.nodes.map((node) => ({
        ...node,
        ...centers.get(node.id)!,
        ...nodeSize(node),
    }));
    separate(nodes);
    const termHints: LayoutHints = {};
    for (const node of nodes) termHints[node.key] = { x: node.x, y: node.y };

    const byId = new Map(nodes.map((node) => [node.id, node]));
    const edges = routeEdges(term, byId);
    const labels = placeLabels(term, nodes, edges);
    return { term, nodes, edges, labels, hints: termHints };
}

/** Terms with at most this many tensors are laid out from several starts. */
const MULTI_START_MAX = 9;

/** The written order, then orders that interleave it differently, for the multi-start layout. */
function startOrders(count: number): number[][] {
    const identity = Array.from({ length: count }, (_, k) => k);
    const evensThenOdds = [
        ...identity.filter((k) => k % 2 === 0),
        ...identity.filter((k) => k % 2),
    ];
    const outsideIn = identity.map((k) => (k % 2 === 0 ? k / 2 : count - 1 - (k - 1) / 2));
    const swappedPairs = identity.map((k) => (k % 2 === 0 ? Math.min(k + 1, count - 1) : k - 1));
    const orders = [identity, evensThenOdds, outsideIn, swappedPairs];
    const seen = new Set<string>();
    return orders.filter((order) => {
        const key = order.join(',');
        if (seen.has(key) || new Set(order).size !== count) return false;
        seen.add(key);
        return true;
    });
}

async function stress(
    term: DiagramTerm,
    start: Map<string, Point>,
    fixed: Set<string>,
    pin: boolean,
): Promise<Map<string, Point>> {
    const graph: ElkNode = {
        id: `term${term.index}`,
        layoutOptions: {
            'elk.algorithm': 'stress',
            'elk.interactive': 'true',
            'elk.stress.desiredEdgeLength': String(EDGE_LENGTH),
            'elk.stress.epsilon': '0.001',
        },
        children: term.nodes.map((node) => {
            const size = nodeSize(node);
            const center = start.get(node.id)!;
            return {
                id: node.id,
                ...size,
                x: center.x - size.width / 2,
                y: center.y - size.height / 2,
                ...(pin && fixed.has(node.id)
                    ? { layoutOptions: { 'elk.stress.fixed': 'true' } }
                    : {}),
            };
        }),
        edges: term.edges
            .filter((edge) => edge.kind !== 'loop')
            .map((edge) => ({
                id: edge.id,
                sources: [edge.ends[0]],
                targets: [edge.ends[1]],
                layoutOptions: {
                    'elk.stress.desiredEdgeLength': String(
                        edge.kind === 'edge'
                            ? EDGE_LENGTH
                            : edge.kind === 'bundle'
                              ? 28
                              : EDGE_LENGTH * 0.6,
                    ),
                },
            })),
    };
    const result = term.nodes.length > 1 ? await elk().layout(graph) : graph;
    const centers = new Map<string, Point>();
    for (const child of result.children ?? []) {
        centers.set(child.id, {
            x: (child.x ?? 0) + (child.width ?? 0) / 2,
            y: (child.y ?? 0) + (child.height ?? 0) / 2,
        });
    }
    return centers;
}

/** Pairs of straight edges without a common end that cross, and edges through a third tensor. */
function countCrossings(term: DiagramTerm, centers: Map<string, Point>): number {
    const segments = term.edges
        .filter((edge) => edge.kind !== 'loop')
        .map((edge) => ({
            ends: edge.ends,
            a: centers.get(edge.ends[0])!,
            b: centers.get(edge.ends[1])!,
        }));
    let count = 0;
    for (let i = 0; i < segments.length; i++) {
        for (let j = i + 1; j < segments.length; j++) {
            const s = segments[i]!;
            const t = segments[j]!;
            if (s.ends.some((end) => t.ends.includes(end))) continue;
            if (segmentsCross(s.a, s.b, t.a, t.b)) count++;
        }
    }
    for (const node of term.nodes) {
        if (POINT_SIZE[node.kind] !== undefined) continue;
        const box = boxAround(centers.get(node.id)!, nodeSize(node).width, NODE_HEIGHT);
        for (const s of segments) {
            if (s.ends.includes(node.id)) continue;
            if (curveCrosses(s.a, { x: (s.a.x + s.b.x) / 2, y: (s.a.y + s.b.y) / 2 }, s.b, box)) {
                count += 2;
            }
        }
    }
    return count;
}

function segmentsCross(a: Point, b: Point, c: Point, d: Point): boolean {
    const side = (p: Point, q: Point, r: Point): number =>
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    const d1 = side(c, d, a);
    const d2 = side(c, d, b);
    const d3 = side(a, b, c);
    const d4 = side(a, b, d);
    return d1 * d2 < 0 && d3 * d4 < 0;
}

/**
 * Where the stress layout starts: hinted nodes where they were; the rest of the tensors on a
 * circle in the given order; junctions and legs beside their neighbours.
 */
function initialPositions(
    term: DiagramTerm,
    hints: LayoutHints,
    order: number[],
): Map<string, Point> {
    const start = new Map<string, Point>();
    const big = term.nodes.filter((node) => POINT_SIZE[node.kind] === undefined);
    const radius = Math.max(60, (EDGE_LENGTH * big.length) / (2 * Math.PI));
    big.forEach((node, k) => {
        const angle = Math.PI + (2 * Math.PI * order[k]!) / big.length;
        start.set(
            node.id,
            hints[node.key] ?? { x: radius * Math.cos(angle), y: radius * Math.sin(angle) },
        );
    });
    const neighbours = new Map<string, string[]>();
    for (const edge of term.edges) {
        const [a, b] = edge.ends;
        neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
        neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
    }
    term.nodes.forEach((node, k) => {
        if (start.has(node.id)) return;
        const hinted = hints[node.key];
        if (hinted !== undefined) {
            start.set(node.id, hinted);
            return;
        }
        const around = (neighbours.get(node.id) ?? [])
            .map((id) => start.get(id))
            .filter((point): point is Point => point !== undefined);
        const centroid =
            around.length === 0
                ? { x: 0, y: 0 }
                : {
                      x: around.reduce((sum, p) => sum + p.x, 0) / around.length,
                      y: around.reduce((sum, p) => sum + p.y, 0) / around.length,
                  };
        // A small deterministic offset keeps two points from starting on the same spot.
        const angle = k * 2.399963;
        start.set(node.id, {
            x: centroid.x + 30 * Math.cos(angle),
            y: centroid.y + 30 * Math.sin(angle),
        });
    });
    return start;
}

/**
 * Turns a fresh layout (stress leaves the angle free) so that it reads as the paper's figures do:
 * from the inputs on the left to the output on the right.
 */
function orient(term: DiagramTerm, centers: Map<string, Point>): void {
    const inputs = term.nodes.filter((node) => node.kind === 'input' || node.kind === 'pattern');
    const output = term.nodes.find((node) => node.kind === 'output');
    const points = [...centers.values()];
    if (inputs.length === 0 || output === undefined || points.length < 2) return;
    const from = {
        x: inputs.reduce((sum, node) => sum + centers.get(node.id)!.x, 0) / inputs.length,
        y: inputs.reduce((sum, node) => sum + centers.get(node.id)!.y, 0) / inputs.length,
    };
    const to = centers.get(output.id)!;
    if (Math.hypot(to.x - from.x, to.y - from.y) < 1) return;
    const angle = -Math.atan2(to.y - from.y, to.x - from.x);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (const point of points) {
        const x = point.x - from.x;
        const y = point.y - from.y;
        point.x = from.x + x * cos - y * sin;
        point.y = from.y + x * sin + y * cos;
    }
}

/** Moves the layout so that its hinted nodes are, on average, where the hints put them. */
function alignToHints(term: DiagramTerm, centers: Map<string, Point>, hints: LayoutHints): void {
    let dx = 0;
    let dy = 0;
    let count = 0;
    for (const node of term.nodes) {
        const hint = hints[node.key];
        const center = centers.get(node.id);
        if (hint === undefined || center === undefined) continue;
        dx += hint.x - center.x;
        dy += hint.y - center.y;
        count++;
    }
    if (count === 0) return;
    for (const center of centers.values()) {
        center.x += dx / count;
        center.y += dy / count;
    }
}

/**
 * Pushes overlapping nodes apart along the axis of least overlap until none overlap; should that
 * not settle, the whole term is spread out and the pushing starts again.
 */
function separate(nodes: PlacedNode[]): void {
    for (let round = 0; round < 20; round++) {
        for (let iteration = 0; iteration < 60; iteration++) {
            let moved = false;
            for (let i = 0; i < nodes.length; i++) {
                for (let j = i + 1; j < nodes.length; j++) {
                    moved = pushApart(nodes[i]!, nodes[j]!) || moved;
                }
            }
            if (!moved) return;
        }
        const cx = nodes.reduce((sum, node) => sum + node.x, 0) / nodes.length;
        const cy = nodes.reduce((sum, node) => sum + node.y, 0) / nodes.length;
        for (const node of nodes) {
            node.x = cx + (node.x - cx) * 1.3;
            node.y = cy + (node.y - cy) * 1.3;
        }
    }
}

function pushApart(a: PlacedNode, b: PlacedNode): boolean {
    const overlapX = (a.width + b.width) / 2 + NODE_GAP - Math.abs(a.x - b.x);
    const overlapY = (a.height + b.height) / 2 + NODE_GAP - Math.abs(a.y - b.y);
    if (overlapX <= 0 || overlapY <= 0) return false;
    if (overlapX < overlapY) {
        const sign = a.x < b.x || (a.x === b.x && a.id < b.id) ? -1 : 1;
        a.x += (sign * (overlapX + 0.5)) / 2;
        b.x -= (sign * (overlapX + 0.5)) / 2;
    } else {
        const sign = a.y < b.y || (a.y === b.y && a.id < b.id) ? -1 : 1;
        a.y += (sign * (overlapY + 0.5)) / 2;
        b.y -= (sign * (overlapY + 0.5)) / 2;
    }
    return true;
}

function routeEdges(term: DiagramTerm, byId: Map<string, PlacedNode>): PlacedEdge[] {
    // Edges between the same two nodes fan out as curves.
    const routeKey = (edge: DiagramEdge): string => [...edge.ends].sort().join('|');
    const parallel = new Map<string, DiagramEdge[]>();
    for (const edge of term.edges) {
        if (edge.kind === 'loop') continue;
        const key = routeKey(edge);
        parallel.set(key, [...(parallel.get(key) ?? []), edge]);
    }
    const loopsSoFar = new Map<string, number>();
    const obstacles = [...byId.values()]
        .filter((node) => POINT_SIZE[node.kind] === undefined)
        .map((node) => ({ id: node.id, ...boxAround(node, node.width + 6, node.height + 6) }));
    return term.edges.map((edge) => {
        const width = edgeWidth(edge.size);
        const a = byId.get(edge.ends[0])!;
        const b = byId.get(edge.ends[1])!;
        if (edge.kind === 'loop') {
            const k = loopsSoFar.get(a.id) ?? 0;
            loopsSoFar.set(a.id, k + 1);
            const top = a.y - a.height / 2;
            const rise = 34 + 16 * k;
            const spread = 22 + 8 * k;
            const from = { x: a.x - 7, y: top };
            const to = { x: a.x + 7, y: top };
            const control = { x: a.x - spread, y: top - rise };
            const control2 = { x: a.x + spread, y: top - rise };
            return { ...edge, width, from, control, control2, to, curved: true };
        }
        const group = parallel.get(routeKey(edge))!;
        const k = group.indexOf(edge);
        // Orient the offset by the sorted ends, so that parallel edges fan out on both sides.
        const flip = edge.ends[0] > edge.ends[1] ? -1 : 1;
        const base = (k - (group.length - 1) / 2) * PARALLEL_GAP * flip;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const length = Math.hypot(dx, dy) || 1;
        const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        const others = obstacles.filter((box) => box.id !== a.id && box.id !== b.id);

        // An edge that would cross another tensor bends around it, as little as will do.
        let best: { offset: number; hits: number } | undefined;
        for (const detour of DETOURS) {
            const offset = base + detour * (base < 0 ? -1 : 1);
            const control = {
                x: mid.x - (dy / length) * offset * 2,
                y: mid.y + (dx / length) * offset * 2,
            };
            const hits = others.filter((box) => curveCrosses(a, control, b, box)).length;
            if (best === undefined || hits < best.hits) best = { offset, hits };
            if (hits === 0) break;
        }
        const offset = best!.offset;
        const control = {
            x: mid.x - (dy / length) * offset * 2,
            y: mid.y + (dx / length) * offset * 2,
        };
        const from = borderPoint(a, control);
        const to = borderPoint(b, control);
        return { ...edge, width, from, control, to, curved: offset !== 0 };
    });
}

const DETOURS = [0, 28, -28, 52, -52, 80, -80];

function curveCrosses(a: Point, control: Point, b: Point, box: Box): boolean {
    for (let k = 1; k < 24; k++) {
        const p = quadraticPoint(a, control, b, k / 24);
        if (p.x > box.x && p.x < box.x + box.width && p.y > box.y && p.y < box.y + box.height) {
            return true;
        }
    }
    return false;
}

/** Where the line from a node's centre towards `toward` leaves the node; points end at the centre. */
function borderPoint(node: PlacedNode, toward: Point): Point {
    if (POINT_SIZE[node.kind] !== undefined && node.kind !== 'junction') {
        return { x: node.x, y: node.y };
    }
    const dx = toward.x - node.x;
    const dy = toward.y - node.y;
    const length = Math.hypot(dx, dy) || 1;
    const exit = node.kind === 'junction' ? 0 : rayExit(node.width, node.height, dx, dy);
    return { x: node.x + (dx / length) * exit, y: node.y + (dy / length) * exit };
}

function placeLabels(term: DiagramTerm, nodes: PlacedNode[], edges: PlacedEdge[]): PlacedLabel[] {
    const labels: PlacedLabel[] = [];
    const taken: Box[] = [];
    for (const node of nodes) {
        const box = boxAround(node, node.width + 4, node.height + 4);
        taken.push(box);
        if (node.label !== '') {
            labels.push({
                kind: 'node',
                text: node.label,
                node: node.id,
                term: term.index,
                x: node.x,
                y: node.y,
                width: node.width,
                height: node.height,
            });
        }
    }

    const edgeById = new Map(edges.map((edge) => [edge.id, edge]));
    const nodeById = new Map(nodes.map((node) => [node.id, node]));
    const samples = edges.map((edge) => ({ edge, points: sampleEdge(edge) }));
    for (const label of term.labels) {
        const width = textWidth(label.text, LABEL_FONT_SIZE) + 4;
        const candidates =
            'edge' in label.anchor
                ? edgeCandidates(edgeById.get(label.anchor.edge)!, width, LABEL_HEIGHT)
                : pointCandidates(nodeById.get(label.anchor.node)!, 10 + width / 2);
        // The first free spot that the fewest edges of other indices cross.
        const crossings = (box: Box): number =>
            samples.filter(
                ({ edge, points }) =>
                    edge.index !== label.index &&
                    points.some(
                        (p) =>
                            p.x > box.x &&
                            p.x < box.x + box.width &&
                            p.y > box.y &&
                            p.y < box.y + box.height,
                    ),
            ).length;
        let best: Box | undefined;
        let bestCost = Infinity;
        for (const candidate of candidates) {
            const box = boxAround(candidate, width, LABEL_HEIGHT);
            if (taken.some((other) => overlaps(box, other, 1))) continue;
            const cost = crossings(box);
            if (cost < bestCost) {
                best = box;
                bestCost = cost;
                if (cost === 0) break;
            }
        }
        const box = best ?? firstFree(candidates, width, LABEL_HEIGHT, taken);
        taken.push(box);
        labels.push({
            kind: 'index',
            text: label.text,
            index: label.index,
            term: term.index,
            x: box.x + box.width / 2,
            y: box.y + box.height / 2,
            width,
            height: LABEL_HEIGHT,
        });
    }
    return labels;
}

/** Points along an edge, about every 4 pixels, to tell which labels it would cross. */
function sampleEdge(edge: PlacedEdge): Point[] {
    const length = Math.hypot(edge.to.x - edge.from.x, edge.to.y - edge.from.y) + 40;
    const count = Math.max(8, Math.ceil(length / 4));
    const points: Point[] = [];
    for (let k = 0; k <= count; k++) {
        const t = k / count;
        if (edge.control2 === undefined) {
            points.push(quadraticPoint(edge.from, edge.control, edge.to, t));
        } else {
            const u = 1 - t;
            const { from: a, control: b, control2: c, to: d } = edge;
            points.push({
                x: u * u * u * a.x + 3 * u * u * t * b.x + 3 * u * t * t * c.x + t * t * t * d.x,
                y: u * u * u * a.y + 3 * u * u * t * b.y + 3 * u * t * t * c.y + t * t * t * d.y,
            });
        }
    }
    return points;
}

/** Spots beside the edge (clear of its line) along its length, then on the line itself. */
function edgeCandidates(edge: PlacedEdge, width: number, height: number): Point[] {
    const points: Point[] = [];
    if (edge.kind === 'loop') {
        const apex = { x: edge.from.x + 7, y: edge.from.y + 0.75 * (edge.control.y - edge.from.y) };
        for (const lift of [10, 20, 30, 40]) points.push({ x: apex.x, y: apex.y - lift });
        return points;
    }
    const ts = edge.kind === 'leg' ? [0.6, 0.45, 0.75, 0.3] : [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];
    const onLine: Point[] = [];
    for (const t of ts) {
        const at = quadraticPoint(edge.from, edge.control, edge.to, t);
        const tangent = quadraticTangent(edge.from, edge.control, edge.to, t);
        const normal = { x: -tangent.y, y: tangent.x };
        const clear = (Math.abs(normal.x) * width) / 2 + (Math.abs(normal.y) * height) / 2 + 3;
        for (const offset of [clear, -clear, clear + 10, -clear - 10]) {
            points.push({ x: at.x + normal.x * offset, y: at.y + normal.y * offset });
        }
        onLine.push(at);
    }
    return [...points, ...onLine];
}

function pointCandidates(center: Point, distance: number): Point[] {
    const points: Point[] = [];
    for (const ring of [0, 1, 2]) {
        for (let k = 0; k < 8; k++) {
            const angle = -Math.PI / 2 + (k * Math.PI) / 4;
            const r = distance * (ring === 0 ? 0.55 : ring);
            points.push({
                x: center.x + r * Math.cos(angle),
                y: center.y + r * 0.6 * Math.sin(angle),
            });
        }
    }
    return points;
}

/** The first candidate whose box is free; failing all, the nearest free spot on a widening spiral. */
function firstFree(candidates: Point[], width: number, height: number, taken: Box[]): Box {
    for (const candidate of candidates) {
        const box = boxAround(candidate, width, height);
        if (!taken.some((other) => overlaps(box, other, 1))) return box;
    }
    const origin = candidates[0]!;
    for (let ring = 1; ; ring++) {
        const radius = ring * 8;
        const steps = 8 + ring * 2;
        for (let k = 0; k < steps; k++) {
            const angle = (2 * Math.PI * k) / steps;
            const box = boxAround(
                { x: origin.x + radius * Math.cos(angle), y: origin.y + radius * Math.sin(angle) },
                width,
                height,
            );
            if (!taken.some((other) => overlaps(box, other, 1))) return box;
        }
    }
}

/** Sets the terms side by side, with the sign and scale of each between them, framed from (0, 0). */
function assemble(model: DiagramModel, placed: TermLayout[]): DiagramLayout {
    const nodes: PlacedNode[] = [];
    const edges: PlacedEdge[] = [];
    const labels: PlacedLabel[] = [];
    const terms: DiagramLayout['terms'] = [];
    const hints: LayoutHints = {};
    let cursor = 0;

    placed.forEach((layout, position) => {
        Object.assign(hints, layout.hints);
        const sign = scaleText(layout.term.scale, position === 0);
        if (sign !== '') {
            const width = textWidth(sign, NODE_FONT_SIZE) + 4;
            labels.push({
                kind: 'sign',
                text: sign,
                term: layout.term.index,
                x: cursor + width / 2,
                y: 0,
                width,
                height: NODE_FONT_SIZE + 4,
            });
            cursor += width + 12;
        }
        const box = termBox(layout);
        const dx = cursor - box.x;
        const dy = -(box.y + box.height / 2);
        shiftTerm(layout, dx, dy);
        nodes.push(...layout.nodes);
        edges.push(...layout.edges);
        labels.push(...layout.labels);
        terms.push({
            index: layout.term.index,
            scale: layout.term.scale,
            box: { ...box, x: box.x + dx, y: box.y + dy },
        });
        cursor += box.width + TERM_GAP;
    });

    const all = unionBox([
        ...labels.map((label) => boxAround(label, label.width, label.height)),
        ...edges
            .flatMap((edge) => [edge.from, edge.to, curveApex(edge)])
            .map((p) => boxAround(p, 8, 8)),
    ]);
    const dx = PADDING - all.x;
    const dy = PADDING - all.y;
    const shifted = { nodes, edges, labels };
    shiftTerm(shifted, dx, dy);
    for (const term of terms) {
        term.box.x += dx;
        term.box.y += dy;
    }
    return {
        name: model.name,
        width: Math.ceil(all.width + 2 * PADDING),
        height: Math.ceil(all.height + 2 * PADDING),
        nodes,
        edges,
        labels,
        terms,
        hints,
    };
}

function curveApex(edge: PlacedEdge): Point {
    if (edge.kind === 'loop')
        return { x: edge.from.x + 7, y: edge.from.y + 0.75 * (edge.control.y - edge.from.y) };
    return quadraticPoint(edge.from, edge.control, edge.to, 0.5);
}

/** The SVG path of an edge. */
export function edgePath(edge: PlacedEdge): string {
    const { from, control, to } = edge;
    if (edge.control2 !== undefined) {
        const c2 = edge.control2;
        return `M ${f(from.x)} ${f(from.y)} C ${f(control.x)} ${f(control.y)} ${f(c2.x)} ${f(c2.y)} ${f(to.x)} ${f(to.y)}`;
    }
    if (!edge.curved) return `M ${f(from.x)} ${f(from.y)} L ${f(to.x)} ${f(to.y)}`;
    return `M ${f(from.x)} ${f(from.y)} Q ${f(control.x)} ${f(control.y)} ${f(to.x)} ${f(to.y)}`;
}

function termBox(layout: TermLayout): Box {
    return unionBox([
        ...layout.labels.map((label) => boxAround(label, label.width, label.height)),
        ...layout.nodes.map((node) => boxAround(node, node.width, node.height)),
        ...layout.edges.map((edge) => boxAround(curveApex(edge), 8, 8)),
    ]);
}

function shiftTerm(
    layout: Pick<TermLayout, 'nodes' | 'edges' | 'labels'>,
    dx: number,
    dy: number,
): void {
    const move = (p: Point): void => {
        p.x += dx;
        p.y += dy;
    };
    layout.nodes.forEach(move);
    layout.labels.forEach(move);
    for (const edge of layout.edges) {
        move(edge.from);
        move(edge.control);
        move(edge.to);
        if (edge.control2 !== undefined) move(edge.control2);
    }
}

/** How a term's scale reads before it: nothing for a leading 1, `+`/`−` between terms, `0.5 ·`. */
export function scaleText(scale: number, first: boolean): string {
    const magnitude = Math.abs(scale);
    const sign = scale < 0 ? '−' : first ? '' : '+';
    if (magnitude === 1) return sign;
    const factor = formatScale(magnitude);
    return `${sign === '' ? '' : `${sign} `}${factor} ·`;
}

function formatScale(value: number): string {
    if (Number.isInteger(value)) return String(value);
    const inverse = 1 / value;
    if (Math.abs(inverse - Math.round(inverse)) < 1e-9) return `1/${Math.round(inverse)}`;
    return String(Number(value.toPrecision(4)));
}

function f(value: number): string {
    return String(Math.round(value * 10) / 10);
}
