/** The open documents, with each version's analysis, syntax tree and lines computed once, on use. */
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { NetworkCost } from '../cost/index';
import type { Analysis, EquationInfo } from '../language/model';
import { equationCost } from './cost';
import type { ParsedFile } from '../language/parser';
import { analyzeDocument } from './analysis';
import { IncrementalAnalysis } from '../language/incremental';
import { IncrementalParse } from '../language/incrementalParse';
import { DEFAULT_SETTINGS, type TnetSettings } from './protocol';
import { splitLines } from './text';

/** One version of an open document; its derived views are computed on first use and cached. */
export interface DocumentState {
    uri: string;
    version: number;
    document: TextDocument;
    text: string;
    readonly lines: string[];
    readonly analysis: Analysis;
    readonly parsed: ParsedFile;
    /** The equation's cost report under the current settings, computed once per version. */
    cost(equation: EquationInfo): NetworkCost | undefined;
}

interface Cached {
    version: number;
    text?: string;
    lines?: string[];
    analysis?: Analysis;
    parsed?: ParsedFile;
    costs?: Map<EquationInfo, NetworkCost | undefined>;
}

export class Documents {
    private readonly cache = new Map<string, Cached>();
    /** Per document, the trees and checks of its statements that the next version may reuse. */
    private readonly reuse = new Map<
        string,
        { parse: IncrementalParse; analysis: IncrementalAnalysis }
    >();
    private settings: TnetSettings = DEFAULT_SETTINGS;

    constructor(readonly store: TextDocuments<TextDocument>) {
        store.onDidClose((event) => {
            this.cache.delete(event.document.uri);
            this.reuse.delete(event.document.uri);
        });
    }

    /** The document as it is now, or undefined when it is not open. */
    get(uri: string): DocumentState | undefined {
        const document = this.store.get(uri);
        if (document === undefined) return undefined;
        let entry = this.cache.get(uri);
        if (entry === undefined || entry.version !== document.version) {
            entry = { version: document.version };
            this.cache.set(uri, entry);
        }
        const cached = entry;
        const settings = this.settings;
        let reuse = this.reuse.get(uri);
        if (reuse === undefined) {
            reuse = { parse: new IncrementalParse(), analysis: new IncrementalAnalysis() };
            this.reuse.set(uri, reuse);
        }
        const { parse: parser, analysis: analyser } = reuse;
        // A TextDocument is updated in place, so the text is read now, with its version.
        cached.text ??= document.getText();
        return {
            uri,
            version: document.version,
            document,
            text: cached.text,
            get lines(): string[] {
                return (cached.lines ??= splitLines(this.text));
            },
            get analysis(): Analysis {
                return (cached.analysis ??= analyzeDocument(this.text, this.parsed, analyser));
            },
            get parsed(): ParsedFile {
                return (cached.parsed ??= parser.parse(this.text));
            },
            cost(equation: EquationInfo): NetworkCost | undefined {
                const costs = (cached.costs ??= new Map());
                if (!costs.has(equation)) costs.set(equation, equationCost(equation, settings));
                return costs.get(equation);
            },
        };
    }

    all(): DocumentState[] {
        return this.store.keys().flatMap((uri) => this.get(uri) ?? []);
    }

    /** New settings change the cost reports (optimizer, budget), so every cached view is dropped. */
    setSettings(settings: TnetSettings): void {
        this.settings = settings;
        this.cache.clear();
    }
}
