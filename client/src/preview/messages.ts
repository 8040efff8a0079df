/** The messages between the diagram preview's host (the extension) and its webview script. */
import type { DiagramResult } from '../../../server/src/lsp/protocol';
import type { Range } from '../../../server/src/network/ir';

/** From the extension to the webview. */
export type ToWebview =
    /** A new drawing of the statement under the cursor. */
    | { type: 'diagram'; diagram: DiagramResult }
    /** The editor's cursor is on this index or tensor name: highlight its edge or node. */
    | { type: 'highlight'; index?: string; tensor?: string }
    /** Nothing to draw now (no equation under the cursor, or the server is not ready). */
    | { type: 'message'; text: string };

/** From the webview to the extension: what the user did. */
export type FromWebview =
    | { type: 'ready' }
    /** The pointer is over a node or an edge (or over nothing): highlight these ranges. */
    | { type: 'hover'; ranges: Range[] }
    /** A click on a node or an edge: show its source. */
    | { type: 'reveal'; range: Range }
    | { type: 'step'; step: number }
    /** The user chose another equation of the document in the picker. */
    | { type: 'pick'; name: string }
    /** Save the drawing: SVG text, or a PNG as a base64 data URL. */
    | { type: 'export'; format: 'svg' | 'png'; statement: string; data: string };

/** What the webview keeps with `setState`, to redraw at once when shown again or restored. */
export interface PreviewState {
    uri?: string;
    diagram?: DiagramResult;
    step: number;
}
