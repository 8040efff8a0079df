/**
 * The diagram preview's webview script: draws the SVG the server made, highlights what the pointer
 * is over, steps through the contraction path and exports; it posts every user intent back.
 */
import type { FromWebview, PreviewState, ToWebview } from '../../client/src/preview/messages';
import type { DiagramResult, DiagramStepInfo } from '../../server/src/lsp/protocol';
import type { Range } from '../../server/src/network/ir';
import { DIAGRAM_CSS } from '../../server/src/diagram/style';

interface VsCodeApi {
    postMessage(message: FromWebview): void;
    getState(): PreviewState | undefined;
    setState(state: PreviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const canvas = element('canvas');
const statementPicker = element('statement') as HTMLSelectElement;
const counter = element('counter');
const stepInfo = element('step-info');
const message = element('message');
const buttons = {
    first: element('first') as HTMLButtonElement,
    prev: element('prev') as HTMLButtonElement,
    next: element('next') as HTMLButtonElement,
    svg: element('export-svg') as HTMLButtonElement,
    png: element('export-png') as HTMLButtonElement,
};

let state: PreviewState = vscode.getState() ?? { step: 0 };
let hovered: Element[] = [];

function element(id: string): HTMLElement {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`the preview page has no #${id}`);
    return found;
}

function save(): void {
    vscode.setState(state);
}

function svgElement(): SVGSVGElement | null {
    return canvas.querySelector('svg');
}

function draw(diagram: DiagramResult): void {
    const sameStatement = state.diagram?.statement === diagram.statement;
    state = { uri: diagram.uri, diagram, step: sameStatement ? state.step : 0 };
    if (state.step > diagram.steps.length) state.step = 0;
    showStatements(diagram);
    if (diagram.error !== undefined || diagram.svg === '') {
        // Keep the last good drawing, dimmed, under the reason it is not updated.
        showMessage(diagram.error ?? `${diagram.statement} cannot be drawn`);
        canvas.classList.add('stale');
        save();
        return;
    }
    showMessage(undefined);
    canvas.classList.remove('stale');
    const parsed = new DOMParser().parseFromString(diagram.svg, 'image/svg+xml');
    const root = parsed.documentElement;
    if (root.nodeName !== 'svg') {
        showMessage('the diagram could not be read');
        return;
    }
    const svg = document.importNode(root, true) as unknown as SVGSVGElement;
    // Scaled to the panel's width, but never beyond twice its natural size.
    svg.style.maxWidth = `${Math.max(diagram.width * 2, 200)}px`;
    canvas.replaceChildren(svg);
    hovered = [];
    applyStep();
    save();
}

function showStatements(diagram: DiagramResult): void {
    const names = diagram.statements.includes(diagram.statement)
        ? diagram.statements
        : [...diagram.statements, diagram.statement];
    statementPicker.replaceChildren(
        ...names.map((name) => {
            const option = document.createElement('option');
            option.value = name;
            option.textContent = name;
            return option;
        }),
    );
    statementPicker.value = diagram.statement;
}

statementPicker.addEventListener('change', () => {
    vscode.postMessage({ type: 'pick', name: statementPicker.value });
});

function showMessage(text: string | undefined): void {
    message.hidden = text === undefined;
    message.textContent = text ?? '';
}

// Hovering: a node or every part of an edge (its paths, junction and label) lights up, and so do
// their places in the source.

function targetOf(event: Event): { node?: string; index?: string } | undefined {
    const target = event.target instanceof Element ? event.target : null;
    const node = target?.closest('[data-tensor]');
    if (node !== null && node !== undefined) {
        return { node: node.getAttribute('data-node') ?? undefined };
    }
    const edge = target?.closest('[data-index]');
    if (edge !== null && edge !== undefined) {
        return { index: edge.getAttribute('data-index')?.split(' ')[0] };
    }
    return undefined;
}

function rangesOf(target: { node?: string; index?: string }): Range[] {
    const diagram = state.diagram;
    if (diagram === undefined) return [];
    if (target.node !== undefined) {
        const range = diagram.nodes.find((node) => node.id === target.node)?.range;
        return range === undefined ? [] : [range];
    }
    return diagram.indices.find((index) => index.name === target.index)?.ranges ?? [];
}

function highlight(target: { node?: string; index?: string; tensor?: string } | undefined): void {
    for (const item of hovered) item.classList.remove('tn-highlight');
    hovered = [];
    const svg = svgElement();
    if (svg === null || target === undefined) return;
    if (target.node !== undefined) {
        hovered = [...svg.querySelectorAll(`[data-node="${CSS.escape(target.node)}"]`)];
    } else if (target.tensor !== undefined) {
        hovered = [...svg.querySelectorAll(`[data-tensor="${CSS.escape(target.tensor)}"]`)];
    } else if (target.index !== undefined) {
        const name = CSS.escape(target.index);
        hovered = [
            ...svg.querySelectorAll(
                `.tn-edge[data-index="${name}"], .tn-junction[data-index="${name}"], ` +
                    `.tn-label[data-index="${name}"], .tn-leg-end[data-index="${name}"], ` +
                    `.tn-bundle[data-index~="${name}"]`,
            ),
        ];
    }
    for (const item of hovered) item.classList.add('tn-highlight');
}

let lastHover = '';
canvas.addEventListener('mouseover', (event) => {
    const target = targetOf(event);
    const key = JSON.stringify(target ?? null);
    if (key === lastHover) return;
    lastHover = key;
    highlight(target);
    vscode.postMessage({ type: 'hover', ranges: target === undefined ? [] : rangesOf(target) });
});
canvas.addEventListener('mouseleave', () => {
    lastHover = '';
    highlight(undefined);
    vscode.postMessage({ type: 'hover', ranges: [] });
});
canvas.addEventListener('click', (event) => {
    const target = targetOf(event);
    const range = target === undefined ? undefined : rangesOf(target)[0];
    if (range !== undefined) vscode.postMessage({ type: 'reveal', range });
});

// The contraction path: step k highlights the pair merged in step k and shows the intermediate.

function applyStep(): void {
    const diagram = state.diagram;
    const steps = diagram?.steps ?? [];
    const svg = svgElement();
    const step = steps[state.step - 1];
    buttons.first.disabled = state.step === 0;
    buttons.prev.disabled = state.step === 0;
    buttons.next.disabled = state.step >= steps.length;
    counter.textContent = steps.length === 0 ? 'no path' : `step ${state.step} of ${steps.length}`;
    if (svg !== null) {
        for (const item of svg.querySelectorAll('.tn-merge-a, .tn-merge-b, .tn-contracted')) {
            item.classList.remove('tn-merge-a', 'tn-merge-b', 'tn-contracted');
        }
        if (step !== undefined) markStep(svg, step);
    }
    stepInfo.textContent = step === undefined ? summary(steps) : describeStep(step);
}

function markStep(svg: SVGSVGElement, step: DiagramStepInfo): void {
    step.merged.forEach((nodes, k) => {
        for (const id of nodes) {
            svg.querySelector(`[data-node="${CSS.escape(id)}"]`)?.classList.add(
                k === 0 ? 'tn-merge-a' : 'tn-merge-b',
            );
        }
    });
    const term = svg.querySelector(`.tn-term[data-term="${step.term}"]`);
    for (const index of step.summed) {
        for (const edge of term?.querySelectorAll(`.tn-edge[data-index="${CSS.escape(index)}"]`) ??
            []) {
            edge.classList.add('tn-contracted');
        }
    }
}

function describeStep(step: DiagramStepInfo): string {
    const shape = step.shape.length === 0 ? 'scalar' : step.shape.join('×');
    const indices = step.indices.length === 0 ? '' : `[${step.indices.join(', ')}]`;
    const terms = new Set(state.diagram?.steps.map((s) => s.term)).size;
    const term = terms > 1 ? `term ${step.term + 1}: ` : '';
    return (
        `${term}${step.names.join(' · ')} → ${indices} ${shape}` +
        ` · ${formatCount(step.flops)}FLOP · ${formatBytes(step.bytes)}` +
        ` · total ${formatCount(step.totalFlops)}FLOP, peak ${formatBytes(step.peakBytes)}`
    );
}

function summary(steps: DiagramStepInfo[]): string {
    const last = steps[steps.length - 1];
    if (last === undefined) return '';
    return `${steps.length} steps · ${formatCount(last.totalFlops)}FLOP · peak ${formatBytes(last.peakBytes)}`;
}

function formatCount(value: number): string {
    const units = ['', 'k', 'M', 'G', 'T', 'P'];
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
    }
    return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

function formatBytes(value: number): string {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${Number(value.toPrecision(3))} ${units[unit]}`;
}

function go(step: number): void {
    const count = state.diagram?.steps.length ?? 0;
    state.step = Math.max(0, Math.min(count, step));
    applyStep();
    save();
    vscode.postMessage({ type: 'step', step: state.step });
}

buttons.first.addEventListener('click', () => go(0));
buttons.prev.addEventListener('click', () => go(state.step - 1));
buttons.next.addEventListener('click', () => go(state.step + 1));
document.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowRight') go(state.step + 1);
    else if (event.key === 'ArrowLeft') go(state.step - 1);
});

// Export: the drawing with its stylesheet, so that the file stands alone; for PNG the theme's
// colours as they are now.

function standaloneSvg(resolveTheme: boolean): string | undefined {
    const svg = svgElement();
    if (svg === null) return undefined;
    const copy = svg.cloneNode(true) as SVGSVGElement;
    for (const item of copy.querySelectorAll('[class]')) {
        item.classList.remove('tn-highlight', 'tn-merge-a', 'tn-merge-b', 'tn-contracted');
    }
    let css = DIAGRAM_CSS;
    if (resolveTheme) {
        const computed = getComputedStyle(svg);
        const names = ['fg', 'bg', 'muted', 'input', 'pattern', 'output', 'accent'];
        const rules = names.map((name) => {
            const value = computed.getPropertyValue(`--tn-${name}`).trim();
            return `--tn-${name}: ${value};`;
        });
        const font = computed.fontFamily;
        css += `\n.tnet-diagram { ${rules.join(' ')} font-family: ${font}; }`;
    }
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = css;
    copy.insertBefore(style, copy.firstChild);
    return new XMLSerializer().serializeToString(copy);
}

async function pngDataUrl(svgText: string, width: number, height: number): Promise<string> {
    const image = new Image();
    const loaded = new Promise<void>((resolve, reject) => {
        image.onload = () => resolve();
        image.onerror = () => reject(new Error('the SVG could not be drawn'));
    });
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
    await loaded;
    const scale = 2;
    const canvasElement = document.createElement('canvas');
    canvasElement.width = Math.ceil(width * scale);
    canvasElement.height = Math.ceil(height * scale);
    const context = canvasElement.getContext('2d');
    if (context === null) throw new Error('no 2d canvas');
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    return canvasElement.toDataURL('image/png');
}

buttons.svg.addEventListener('click', () => {
    const text = standaloneSvg(false);
    const statement = state.diagram?.statement ?? 'diagram';
    if (text !== undefined)
        vscode.postMessage({ type: 'export', format: 'svg', statement, data: text });
});
buttons.png.addEventListener('click', () => {
    const diagram = state.diagram;
    const text = standaloneSvg(true);
    if (text === undefined || diagram === undefined) return;
    pngDataUrl(text, diagram.width, diagram.height)
        .then((data) =>
            vscode.postMessage({
                type: 'export',
                format: 'png',
                statement: diagram.statement,
                data,
            }),
        )
        .catch((error: unknown) => showMessage(`PNG export failed: ${String(error)}`));
});

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const data = event.data;
    switch (data.type) {
        case 'diagram':
            draw(data.diagram);
            break;
        case 'highlight':
            highlight(
                data.index !== undefined || data.tensor !== undefined
                    ? { index: data.index, tensor: data.tensor }
                    : undefined,
            );
            break;
        case 'message':
            showMessage(data.text);
            break;
    }
});

if (state.diagram !== undefined) draw(state.diagram);
else applyStep();
vscode.postMessage({ type: 'ready' });
