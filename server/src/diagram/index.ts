/** The diagram of a network: model, layout and SVG in one call, plus the parts for the preview. */
import type { Network } from '../network/ir';
import { type DiagramLayout, type LayoutHints, layoutDiagram } from './layout';
import { buildModel, type ModelOptions } from './model';
import { renderSvg } from './svg';

export { buildModel } from './model';
export type { DiagramModel, DiagramNode, DiagramEdge } from './model';
export { layoutDiagram, edgeWidth } from './layout';
export type { DiagramLayout, LayoutHints, PlacedNode, PlacedEdge, PlacedLabel } from './layout';
export { renderSvg } from './svg';
export { DIAGRAM_CSS } from './style';

export interface DiagramOptions extends ModelOptions {
    hints?: LayoutHints;
    /** Embed the stylesheet (default true). */
    standalone?: boolean;
}

export interface Diagram {
    svg: string;
    layout: DiagramLayout;
}

export async function drawNetwork(
    network: Network,
    options: DiagramOptions = {},
): Promise<Diagram> {
    const model = buildModel(network, options);
    const layout = await layoutDiagram(model, { hints: options.hints });
    return { svg: renderSvg(layout, { standalone: options.standalone }), layout };
}
