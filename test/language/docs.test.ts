// The language reference documents every diagnostic code, each under its own heading.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DiagnosticCode } from '../../server/src/language/model';

const CODES: DiagnosticCode[] = [
    'E001',
    'E002',
    'E003',
    'E004',
    'E005',
    'E006',
    'E007',
    'E008',
    'E009',
    'E010',
    'W101',
    'W102',
    'W103',
    'I201',
];

void test('docs/language.md has a section with an example for every diagnostic code', () => {
    const text = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'language.md'), 'utf8');
    for (const code of CODES) {
        const heading = new RegExp(`^### ${code}: .+$`, 'm').exec(text);
        assert.ok(heading !== null, `no section for ${code}`);
        const section = text.slice(heading.index).split(/^### /m)[1]!;
        assert.match(section, /```/, `no example for ${code}`);
    }
});
