/**
 * The diagram model of a network: which nodes (tensor uses, patterns, the output, hyperedge
 * junctions, open legs) and which edges a drawing has, before any geometry is chosen.
 */
import type { Network, Operand, Range, Term } from '../network/ir';

export type NodeKind = 'input' | 'pattern' | 'output' | 'junction' | 'leg' | 'sum' | 'bundle';

export interface DiagramNode {
    /** Unique within the diagram: `t<term>:<part>`. */
    id: string;
    /** What stays the same across edits: the tensor's name and its occurrence, used as a layout hint. */
    key: string;
    kind: NodeKind;
    /** The text drawn in the node (empty for junctions and legs). */
    label: string;
    /** The tensor's name for `data-tensor`; absent for junctions and legs. */
    tensor?: string;
    term: number;
    /** The operand's position in the term's operand list, for tensor and pattern nodes. */
    operand?: number;
    /** For junctions and legs: the index they belong to; for a bundle, its parts. */
    index?: string;
    range?: Range;
}

/**
 * `bundle` joins a node to the point where the parts of one of its grouped axes, such as
 * `(c, i, j)`, leave it together; its `index` lists the parts, space-separated.
 */
export type EdgeKind = 'edge' | 'loop' | 'leg' | 'spoke' | 'bundle';

export interface DiagramEdge {
    id: string;
    kind: EdgeKind;
    index: string;
    size: number;
    /** Node ids; a loop has the same node twice. */
    ends: [string, string];
}

/** One label per index per term, anchored on an edge or at a junction. */
export interface DiagramIndexLabel {
    index: string;
    text: string;
    size: number;
    /** The edge the label sits on, or the junction node it sits beside. */
    anchor: { edge: string } | { node: string };
}

export interface DiagramTerm {
    index: number;
    scale: number;
    nodes: DiagramNode[];
    edges: DiagramEdge[];
    labels: DiagramIndexLabel[];
    range?: Range;
}

export interface DiagramModel {
    name: string;
    terms: DiagramTerm[];
}

export interface ModelOptions {
    /** `node` draws the output as a node; `legs` leaves output indices as dangling legs. */
    output?: 'node' | 'legs';
}

/** True when the operand is an index pattern (Π), which the drawing styles apart from inputs. */
export function isPattern(operand: Operand): boolean {
    return operand.source.kind === 'pattern';
}

export function buildModel(network: Network, options: ModelOptions = {}): DiagramModel {
    const outputStyle = options.output ?? 'node';
    return {
        name: network.name,
        terms: network.terms.map((term, index) => buildTerm(network, term, index, outputStyle)),
    };
}

function buildTerm(
    network: Network,
    term: Term,
    termIndex: number,
    outputStyle: 'node' | 'legs',
): DiagramTerm {
    const prefix = `t${termIndex}`;
    const nodes: DiagramNode[] = [];
    const edges: DiagramEdge[] = [];
    const labels: DiagramIndexLabel[] = [];
    const seen = new Map<string, number>();
    const legs = new Set<string>();

    term.operands.forEach((operand, position) => {
        const occurrence = seen.get(operand.name) ?? 0;
        seen.set(operand.name, occurrence + 1);
        nodes.push({
            id: `${prefix}:o${position}`,
            key: `${termIndex}:${operand.name}#${occurrence}`,
            kind: isPattern(operand) ? 'pattern' : 'input',
            label: operand.name,
            tensor: operand.name,
            term: termIndex,
            operand: position,
            range: operand.range,
        });
    });
    const outputId = `${prefix}:out`;
    if (outputStyle === 'node') {
        nodes.push({
            id: outputId,
            key: `${termIndex}:=${network.name}`,
            kind: 'output',
            label: network.name,
            tensor: network.name,
            term: termIndex,
            range: term.range,
        });
    }

    // Each index is a hyperedge over its occurrences: one per axis it labels, plus the output.
    const ends = new Map<string, string[]>();
    const addEnd = (index: string, node: string): void => {
        const list = ends.get(index);
        if (list === undefined) ends.set(index, [node]);
        else list.push(node);
    };
    // A grouped axis of several parts gets a bundle point; its parts' edges end there.
    const addAxes = (owner: DiagramNode, axes: string[][]): void => {
        axes.forEach((parts, axis) => {
            if (parts.length === 1) {
                addEnd(parts[0]!, owner.id);
                return;
            }
            const id = `${owner.id}:b${axis}`;
            const key = `${owner.key}/b${axis}`;
            nodes.push(pointNode(id, key, 'bundle', termIndex, parts.join(' ')));
            const size = parts.reduce((product, part) => product * (network.sizes[part] ?? 0), 1);
            edges.push({ id, kind: 'bundle', index: parts.join(' '), size, ends: [owner.id, id] });
            for (const part of parts) addEnd(part, id);
        });
    };
    term.operands.forEach((operand, position) => addAxes(nodes[position]!, operand.axes));
    if (outputStyle === 'node') {
        const carried = new Set(term.output);
        const axes = network.output.axes
            .map((parts) => parts.filter((part) => carried.has(part)))
            .filter((parts) => parts.length > 0);
        addAxes(nodes[term.operands.length]!, axes);
    }
    if (outputStyle === 'legs') {
        for (const index of term.output) {
            const leg = `${prefix}:leg:${index}`;
            nodes.push(pointNode(leg, `${termIndex}:leg:${index}`, 'leg', termIndex, index));
            legs.add(leg);
            addEnd(index, leg);
        }
    }

    for (const [index, members] of ends) {
        const size = network.sizes[index] ?? 0;
        const text = `${index} ${size}`;
        const edgeId = `${prefix}:e:${index}`;
        if (members.length === 1) {
            // Summed inside one factor, once: a short stub ending in a bar.
            const stub = `${prefix}:sum:${index}`;
            nodes.push(pointNode(stub, `${termIndex}:sum:${index}`, 'sum', termIndex, index));
            edges.push({ id: edgeId, kind: 'leg', index, size, ends: [members[0]!, stub] });
            labels.push({ index, text, size, anchor: { edge: edgeId } });
        } else if (members.length === 2) {
            const [a, b] = members as [string, string];
            const kind: EdgeKind = a === b ? 'loop' : legs.has(b) ? 'leg' : 'edge';
            edges.push({ id: edgeId, kind, index, size, ends: [a, b] });
            labels.push({ index, text, size, anchor: { edge: edgeId } });
        } else {
            const junction = `${prefix}:j:${index}`;
            nodes.push(
                pointNode(junction, `${termIndex}:junction:${index}`, 'junction', termIndex, index),
            );
            members.forEach((member, k) => {
                edges.push({
                    id: `${edgeId}:${k}`,
                    kind: 'spoke',
                    index,
                    size,
                    ends: [junction, member],
                });
            });
            labels.push({ index, text, size, anchor: { node: junction } });
        }
    }
    return { index: termIndex, scale: term.scale, nodes, edges, labels, range: term.range };
}

function pointNode(
    id: string,
    key: string,
    kind: NodeKind,
    term: number,
    index: string,
): DiagramNode {
    return { id, key, kind, label: '', term, index };
}
