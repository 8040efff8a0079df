// The playground page: monaco with the tnet language, the language server in a web worker, an
// example picker and the diagram of the statement under the cursor.
import { DiagramPane } from './diagram';
import { EXAMPLES } from './examples';
import { LANGUAGE_ID, LanguageClient } from './lsp';
import { registerLanguage, THEME } from './language';
import { monaco } from './monaco';

declare global {
    interface Window {
        /** The editor, for the tests and for a curious developer's console. */
        tnetPlayground?: { editor: monaco.editor.IStandaloneCodeEditor; monaco: typeof monaco };
    }
}

function element<T extends HTMLElement>(id: string): T {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`the page has no #${id}`);
    return found as T;
}

globalThis.MonacoEnvironment = { getWorker: () => new Worker('editor.worker.js') };

const status = element<HTMLElement>('status');
const showStatus = (message: string, isError: boolean): void => {
    status.textContent = message;
    status.classList.toggle('error', isError);
};

registerLanguage();
const serverWorker = new Worker('server.js');
serverWorker.addEventListener('error', (event) => {
    console.error(`tnet server worker: ${event.message}`);
    showStatus('the language server stopped: reload the page', true);
});
const client = new LanguageClient(serverWorker, { status: showStatus });

const models = new Map<string, monaco.editor.ITextModel>();
/** The model of an example, created and opened on the server the first time it is shown. */
function modelOf(name: string): monaco.editor.ITextModel {
    let model = models.get(name);
    if (model === undefined) {
        const example = EXAMPLES.find((candidate) => candidate.name === name) ?? EXAMPLES[0]!;
        const uri = monaco.Uri.parse(`file:///playground/${example.name}`);
        model = monaco.editor.createModel(example.text, LANGUAGE_ID, uri);
        client.open(model);
        models.set(name, model);
    }
    return model;
}

const picker = element<HTMLSelectElement>('example');
for (const example of EXAMPLES) picker.add(new Option(example.name, example.name));
const requested = new URLSearchParams(location.search).get('example');
if (requested !== null && EXAMPLES.some((example) => example.name === requested)) {
    picker.value = requested;
}

const editor = monaco.editor.create(element('editor'), {
    model: null,
    theme: THEME,
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    inlayHints: { enabled: 'on' },
    'semanticHighlighting.enabled': true,
    wordBasedSuggestions: 'off',
    fixedOverflowWidgets: true,
});
window.tnetPlayground = { editor, monaco };

const diagram = new DiagramPane(
    client,
    editor,
    element('diagram-title'),
    element('diagram-message'),
    element('diagram-canvas'),
);

picker.addEventListener('change', () => {
    editor.setModel(modelOf(picker.value));
    editor.focus();
});
element<HTMLButtonElement>('format').addEventListener('click', () => {
    void editor.getAction('editor.action.formatDocument')?.run();
});

client.start().then(
    () => {
        showStatus('language server ready', false);
        editor.setModel(modelOf(picker.value));
        diagram.schedule();
        document.body.dataset.ready = 'true';
    },
    (error: unknown) => showStatus(`the language server did not start: ${String(error)}`, true),
);
