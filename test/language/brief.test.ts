// The examples of the language brief, each a fixture with its stated shapes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkFixture } from './fixture';

const folder = join(import.meta.dirname, 'fixtures');

for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.tnet'))
    .sort()) {
    void test(`fixture ${file}`, () => {
        checkFixture(readFileSync(join(folder, file), 'utf8'), file);
    });
}
