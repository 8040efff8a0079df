/**
 * SVG rendering of a laid-out diagram. Every tensor node carries `data-tensor`, every edge, leg,
 * junction and index label `data-index`; colours come from classes (no inline styles), so the
 * same markup works in a file and under the preview's Content-Security-Policy.
 */
import { edgePath, type DiagramLayout, type PlacedEdge, type PlacedNode } from './layout';
import { DIAGRAM_CSS } from './style';

export interface SvgOptions {
    /** Embed the stylesheet, for a file that stands alone; the preview loads it itself. */
    standalone?: boolean;
}

export function renderSvg(layout: DiagramLayout, options: SvgOptions = {}): string {
    const standalone = options.standalone ?? true;
    const out: string[] = [];
    const { width, height } = layout;
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" class="tnet-diagram" viewBox="0 0 ${width} ${height}" ` +
            `width="${width}" height="${height}" role="img" ` +
            `aria-label="${escape(`tensor network of ${layout.name}`)}">`,
    );
    out.push(`<title>${escape(layout.name)}</title>`);
    if (standalone) out.push(`<style>${DIAGRAM_CSS}</style>`);
    out.push(`<rect class="tn-background" x="0" y="0" width="${width}" height="${height}"/>`);

    for (const term of layout.terms) {
        out.push(`<g class="tn-term" data-term="${term.index}">`);
        for (const edge of layout.edges.filter((e) => termOf(e.id) === term.index)) {
            out.push(renderEdge(edge));
        }
        for (const node of layout.nodes.filter((v) => v.term === term.index)) {
            out.push(renderNode(node));
        }
        for (const label of layout.labels.filter((l) => l.term === term.index)) {
            if (label.kind === 'node') continue;
            if (label.kind === 'sign') {
                out.push(
                    `<text class="tn-sign" x="${n(label.x)}" y="${n(label.y)}" text-anchor="middle" ` +
                        `dominant-baseline="central">${escape(label.text)}</text>`,
                );
                continue;
            }
            const [name, ...rest] = label.text.split(' ');
            out.push(
                `<text class="tn-label" data-index="${escape(label.index ?? '')}" x="${n(label.x)}" ` +
                    `y="${n(label.y)}" text-anchor="middle" dominant-baseline="central">` +
                    `${escape(name ?? '')}<tspan class="tn-size"> ${escape(rest.join(' '))}</tspan></text>`,
            );
        }
        out.push('</g>');
    }
    out.push('</svg>');
    return out.join('\n') + '\n';
}

function renderEdge(edge: PlacedEdge): string {
    const d = edgePath(edge);
    const index = escape(edge.index);
    const id = escape(edge.id);
    const parts = [
        `<g class="tn-edge-group" data-index="${index}" data-edge="${id}" data-kind="${edge.kind}">`,
        `<path class="${edge.kind === 'bundle' ? 'tn-bundle' : 'tn-edge'}" data-index="${index}" ` +
            `d="${d}" stroke-width="${n(edge.width)}"/>`,
        `<path class="tn-hit" data-index="${index}" d="${d}"/>`,
    ];
    parts.push('</g>');
    return parts.join('');
}

function renderNode(node: PlacedNode): string {
    const x = n(node.x - node.width / 2);
    const y = n(node.y - node.height / 2);
    switch (node.kind) {
        case 'junction':
            return (
                `<circle class="tn-junction" data-index="${escape(node.index ?? '')}" ` +
                `data-node="${escape(node.id)}" cx="${n(node.x)}" cy="${n(node.y)}" r="4.5"/>`
            );
        case 'leg':
            return (
                `<circle class="tn-leg-end" data-index="${escape(node.index ?? '')}" ` +
                `data-node="${escape(node.id)}" cx="${n(node.x)}" cy="${n(node.y)}" r="3.5"/>`
            );
        case 'bundle':
            // The thick bundle edge ends where its thin parts begin; the point itself is not drawn.
            return '';
        case 'sum':
            return (
                `<circle class="tn-sum-end tn-junction" data-index="${escape(node.index ?? '')}" ` +
                `data-node="${escape(node.id)}" cx="${n(node.x)}" cy="${n(node.y)}" r="2.5"/>`
            );
        default: {
            const radius = node.kind === 'pattern' ? 3 : 8;
            return (
                `<g class="tn-node tn-${node.kind}" data-tensor="${escape(node.tensor ?? node.label)}" ` +
                `data-node="${escape(node.id)}" data-kind="${node.kind}">` +
                `<rect x="${x}" y="${y}" width="${n(node.width)}" height="${n(node.height)}" ` +
                `rx="${radius}"/>` +
                `<text x="${n(node.x)}" y="${n(node.y)}" text-anchor="middle" ` +
                `dominant-baseline="central">${escape(node.label)}</text></g>`
            );
        }
    }
}

function termOf(id: string): number {
    return Number(/^t(\d+):/.exec(id)?.[1] ?? 0);
}

function n(value: number): string {
    return String(Math.round(value * 10) / 10);
}

export function escape(text: string): string {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
}
