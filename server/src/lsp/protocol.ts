/**
 * The custom protocol between the extension and the language server: requests, notifications and
 * the settings both sides read. The one file that the client and the server both import.
 *
 * Plain data, no JSON-RPC classes: the client and the server link different versions of
 * vscode-jsonrpc, whose request types do not mix. Each side passes `method` to its own API, typed
 * by the phantom parameter and result types below.
 */
import type { DiagramStep } from '../diagram/path';
import type { Network, Range } from '../network/ir';

/** The `tnet.*` settings (`contributes.configuration` in package.json), as the server reads them. */
/** A request's method name, carrying its parameter and result types. */
export interface RequestSpec<P, R> {
    method: string;
    readonly __types?: [P, R];
}

/** A notification's method name, carrying its parameter type. */
export interface NotificationSpec<P> {
    method: string;
    readonly __types?: P;
}

/** The `tnet.*` settings (`contributes.configuration` in package.json), as the server reads them. */
export interface TnetSettings {
    /** A path optimizer's registry name: `optimal`, `dp`, `greedy`, `random-greedy`, `auto`. */
    optimizer: string;
    /** How long the `auto` optimizer may search, per equation. */
    optimizerTimeBudgetMs: number;
    /** An intermediate larger than this gets W103; 0 turns the check off. */
    memoryBudgetBytes: number;
    runtime: {
        backend: 'auto' | 'cpu' | 'webgpu';
        /** The `node` executable that runs the runtime process; empty means the one on PATH. */
        node: string;
    };
}

export const DEFAULT_SETTINGS: TnetSettings = {
    optimizer: 'auto',
    optimizerTimeBudgetMs: 1,
    memoryBudgetBytes: 1024 ** 3,
    runtime: { backend: 'auto', node: '' },
};

/**
 * How a statement is named across the protocol and in command arguments: the code lenses'
 * `tnet.showDiagram`, `tnet.run` and `tnet.bench` commands receive one `StatementRef` argument.
 */
export interface StatementRef {
    /** The document's URI, as the client sent it. */
    uri: string;
    /** The name the equation defines. */
    name: string;
}

/** Which statement a request is about: by name, or the one under a position; else the first. */
export interface StatementParams {
    uri: string;
    name?: string;
    position?: { line: number; character: number };
}

/** An equation's network and the contraction path the configured optimizer picked for it. */
export interface NetworkResult {
    name: string;
    /** The equation's whole statement in the document. */
    range: Range;
    network: Network;
    /** One linear path per term, in opt_einsum's format. */
    paths: number[][][];
    /** The shapes of the document's declared tensors that the network reads. */
    inputs: Record<string, { shape: number[]; dtype: string }>;
}

/**
 * `tnet/network`: the network and path of one equation of an open document, as analysed now;
 * `null` when the document is not open or no such equation is well-formed.
 */
export const NetworkRequest: RequestSpec<StatementParams, NetworkResult | null> = {
    method: 'tnet/network',
};

/** The equations of a document, for pickers: names and ranges. */
export const StatementsRequest: RequestSpec<{ uri: string }, { name: string; range: Range }[]> = {
    method: 'tnet/statements',
};

/** The server's health, for the status bar item. */
export interface ServerStatus {
    state: 'ready' | 'busy' | 'error';
    /** One line: what is going on, or what went wrong. */
    message: string;
}

export const ServerStatusNotification: NotificationSpec<ServerStatus> = { method: 'tnet/status' };

// Other custom requests (the diagram's, the runner's) are declared below this line, one block each.

/** A tensor node of a diagram: `id` is the SVG element's `data-node`, `range` its source. */
export interface DiagramNodeInfo {
    id: string;
    tensor: string;
    kind: string;
    range?: Range;
}

/** An index of a diagram's statement (the SVG's `data-index`) and every place it is written. */
export interface DiagramIndexRanges {
    name: string;
    size: number;
    ranges: Range[];
}

export type DiagramStepInfo = DiagramStep;

/** What the preview draws: the SVG (without its stylesheet) and what it needs to link back. */
export interface DiagramResult {
    uri: string;
    version: number;
    statement: string;
    /** The document's equations, in order, for the preview's picker. */
    statements: string[];
    range: Range;
    /** Empty when the statement has errors; `error` then says so. */
    svg: string;
    width: number;
    height: number;
    nodes: DiagramNodeInfo[];
    indices: DiagramIndexRanges[];
    /** The contraction path, term after term. */
    steps: DiagramStepInfo[];
    error?: string;
}

/** `tnet/diagram`: the diagram of the equation named, or under the position; `null` when none. */
export const DiagramRequest: RequestSpec<StatementParams, DiagramResult | null> = {
    method: 'tnet/diagram',
};
