// The diagram pane: draws the equation under the cursor from the server's `tnet/diagram` answer,
// asking again (debounced) whenever the cursor moves or the text changes.
import { DIAGRAM_CSS } from '../../server/src/diagram/style';
import {
    DiagramRequest,
    type DiagramResult,
    type StatementParams,
} from '../../server/src/lsp/protocol';
import { type LanguageClient, toPosition, toRange } from './lsp';
import type { monaco } from './monaco';

/** Long enough to skip the requests of a burst of keystrokes, short enough to feel live. */
const DEBOUNCE_MS = 120;

export class DiagramPane {
    private timer: ReturnType<typeof setTimeout> | undefined;
    private asked = 0;
    /** The statement drawn (or failing to draw) now. */
    private shown: { uri: string; statement: string } | undefined;
    private nodes: DiagramResult['nodes'] = [];

    constructor(
        private readonly client: LanguageClient,
        private readonly editor: monaco.editor.IStandaloneCodeEditor,
        private readonly title: HTMLElement,
        private readonly message: HTMLElement,
        private readonly canvas: HTMLElement,
    ) {
        const style = document.createElement('style');
        style.textContent = DIAGRAM_CSS;
        document.head.append(style);
        canvas.addEventListener('click', (event) => this.reveal(event.target));
        editor.onDidChangeCursorPosition(() => this.schedule());
        editor.onDidChangeModelContent(() => this.schedule());
        editor.onDidChangeModel(() => this.schedule());
    }

    schedule(): void {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
    }

    private async refresh(): Promise<void> {
        const model = this.editor.getModel();
        const position = this.editor.getPosition();
        if (model === null || position === null) return;
        const ticket = ++this.asked;
        const uri = model.uri.toString();
        let result: DiagramResult | null;
        try {
            result = await this.ask({ uri, position: toPosition(position) });
            // Off any equation, the pane keeps the one it shows, else the document's first.
            if (result === null && this.shown?.uri === uri) {
                result = await this.ask({ uri, name: this.shown.statement });
            }
            result ??= await this.ask({ uri });
        } catch (error) {
            if (ticket === this.asked) {
                this.show('Diagram', `The diagram failed: ${String(error)}`, true);
            }
            return;
        }
        // A later request supersedes this one; its answer alone is drawn.
        if (ticket !== this.asked) return;
        this.draw(result);
    }

    private ask(params: StatementParams): Promise<DiagramResult | null> {
        return this.client.request<DiagramResult | null>(DiagramRequest.method, params);
    }

    private draw(result: DiagramResult | null): void {
        this.shown = result === null ? undefined : { uri: result.uri, statement: result.statement };
        this.canvas.dataset.statement = result?.statement ?? '';
        this.nodes = result?.nodes ?? [];
        if (result === null) {
            this.show('Diagram', 'This document has no equation yet.', false);
            this.canvas.replaceChildren();
            return;
        }
        if (result.error !== undefined || result.svg === '') {
            this.show(result.statement, result.error ?? 'Nothing to draw.', true);
            this.canvas.replaceChildren();
            return;
        }
        const parsed = new DOMParser().parseFromString(result.svg, 'image/svg+xml');
        const root = parsed.documentElement;
        if (root.nodeName !== 'svg') {
            this.show(result.statement, 'The server sent a drawing that is not SVG.', true);
            return;
        }
        const steps = result.steps.length;
        this.show(
            result.statement,
            `${result.nodes.length} tensors, ${steps} contraction step${steps === 1 ? '' : 's'}`,
            false,
        );
        this.canvas.replaceChildren(document.importNode(root, true));
    }

    /** A click on a tensor selects where the statement writes it. */
    private reveal(target: EventTarget | null): void {
        const element = target instanceof Element ? target.closest('[data-node]') : null;
        const id = element?.getAttribute('data-node');
        const range = this.nodes.find((node) => node.id === id)?.range;
        if (range === undefined) return;
        const selection = toRange(range);
        this.editor.setSelection(selection);
        this.editor.revealRangeInCenterIfOutsideViewport(selection);
        this.editor.focus();
    }

    private show(title: string, message: string, isError: boolean): void {
        this.title.textContent = title;
        this.message.textContent = message;
        this.message.classList.toggle('error', isError);
    }
}
