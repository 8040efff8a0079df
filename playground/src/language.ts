// The tnet language in monaco: the editor configuration and a monarch tokenizer, both read from
// the extension's TextMate grammar and language configuration, and a theme for semantic tokens.
import grammar from '../../syntaxes/tnet.tmLanguage.json';
import configuration from '../../syntaxes/language-configuration.json';
import { LANGUAGE_ID } from './lsp';
import { monaco } from './monaco';

/** The alternatives of the first `\b(a|b|…)` group of a grammar rule's regular expression. */
function alternatives(pattern: string): string[] {
    const group = /\\b\(([A-Za-z_|]+)\)/.exec(pattern);
    return group === null ? [] : group[1]!.split('|');
}

const repository = grammar.repository;
const declarations = [
    repository['size-statement'].begin,
    repository['tensor-statement'].begin,
    repository['pattern-statement'].match,
].flatMap((pattern) => /\(([a-z]+)\)/.exec(pattern)?.[1] ?? []);
const builtins = alternatives(repository.call.begin);
const elementTypes = /\(((?:[a-z0-9]+\|)+[a-z0-9]+)\)/
    .exec(repository['element-type'].match)![1]!
    .split('|');

export const THEME = 'tnet-light';

export function registerLanguage(): void {
    monaco.languages.register({ id: LANGUAGE_ID, extensions: ['.tnet'], aliases: ['tnet'] });
    monaco.languages.setLanguageConfiguration(LANGUAGE_ID, {
        comments: { lineComment: configuration.comments.lineComment },
        brackets: configuration.brackets as [string, string][],
        autoClosingPairs: configuration.autoClosingPairs,
        surroundingPairs: configuration.surroundingPairs.map(([open, close]) => ({
            open: open!,
            close: close!,
        })),
        wordPattern: new RegExp(configuration.wordPattern),
    });
    monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, {
        declarations,
        builtins,
        elementTypes,
        tokenizer: {
            root: [
                [/#.*$/, 'comment'],
                [/"[^"]*"/, 'string'],
                [
                    /[A-Za-z_][A-Za-z0-9_]*/,
                    {
                        cases: {
                            '@declarations': 'keyword',
                            '@builtins': 'function',
                            '@elementTypes': 'type',
                            '@default': 'identifier',
                        },
                    },
                ],
                [/\d+(\.\d+)?([eE][+-]?\d+)?/, 'number'],
                [/->|\.\.\.|\/\/|[-+*/%=:]/, 'operator'],
                [/[[\](),]/, 'delimiter'],
            ],
        },
    });
    // Semantic tokens take their colours from the theme's rules for their types.
    monaco.editor.defineTheme(THEME, {
        base: 'vs',
        inherit: true,
        rules: [
            { token: 'keyword', foreground: '0000ff' },
            { token: 'function', foreground: '795e26' },
            { token: 'operator', foreground: '000000' },
            { token: 'variable', foreground: '001080' },
            { token: 'variable.readonly', foreground: '0070c1' },
            { token: 'parameter', foreground: '267f99' },
            { token: 'property', foreground: 'a31515' },
            { token: 'struct', foreground: '267f99' },
            { token: 'type', foreground: '008000' },
        ],
        colors: {},
    });
}
