/** The open documents and a per-version cache of their analyses. */
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis } from '../language/model';
import { analyzeDocument } from './analysis';
import { DEFAULT_SETTINGS, type TnetSettings } from './protocol';

/** One version of an open document and its analysis, computed on first use. */
export interface DocumentState {
    uri: string;
    version: number;
    document: TextDocument;
    readonly analysis: Analysis;
}

export class Documents {
    private readonly cache = new Map<string, { version: number; analysis: Analysis }>();
    private settings: TnetSettings = DEFAULT_SETTINGS;

    constructor(readonly store: TextDocuments<TextDocument>) {
        store.onDidClose((event) => this.cache.delete(event.document.uri));
    }

    /** The document as it is now, or undefined when it is not open. */
    get(uri: string): DocumentState | undefined {
        const document = this.store.get(uri);
        if (document === undefined) return undefined;
        const documents = this.cache;
        const settings = () => this.settings;
        return {
            uri,
            version: document.version,
            document,
            get analysis(): Analysis {
                const cached = documents.get(uri);
                if (cached !== undefined && cached.version === document.version) {
                    return cached.analysis;
                }
                const analysis = analyzeDocument(document.getText(), settings());
                documents.set(uri, { version: document.version, analysis });
                return analysis;
            },
        };
    }

    all(): DocumentState[] {
        return this.store.keys().flatMap((uri) => this.get(uri) ?? []);
    }

    /** New settings change what analysis reports (W103), so every cached analysis is dropped. */
    setSettings(settings: TnetSettings): void {
        this.settings = settings;
        this.cache.clear();
    }
}
