// Runs the TextMate grammar's scope assertions (test/grammar/*.tnet) through vscode-tmgrammar-test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const tool = 'node_modules/vscode-tmgrammar-test/dist/unit.js';
const grammar = 'syntaxes/tnet.tmLanguage.json';

void test('every scope assertion under test/grammar holds', () => {
    const result = spawnSync(process.execPath, [tool, '-c', '-g', grammar, 'test/grammar/*.tnet'], {
        encoding: 'utf8',
    });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /statements\.tnet/);
});

void test('the grammar and the language configuration are what package.json points to', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
        contributes: {
            grammars: { scopeName: string; path: string }[];
            languages: { configuration: string }[];
        };
    };
    const contributed = manifest.contributes.grammars[0]!;
    const loaded = JSON.parse(readFileSync(contributed.path, 'utf8')) as { scopeName: string };
    assert.equal(loaded.scopeName, contributed.scopeName);
    const configuration = JSON.parse(
        readFileSync(manifest.contributes.languages[0]!.configuration, 'utf8'),
    ) as { comments: { lineComment: string } };
    assert.equal(configuration.comments.lineComment, '#');
});
