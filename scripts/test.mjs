// Runs every `*.test.ts` under test/ (or the files and folders given) with Node's test runner,
// TypeScript loaded through tsx. The bundles are built once first: the protocol, end-to-end and
// browser tests run what ships (dist/), and two test files building at once could read a
// half-written bundle.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(path) {
    if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
    return readdirSync(path)
        .sort()
        .flatMap((entry) => (entry === 'node_modules' ? [] : collect(join(path, entry))));
}

const roots = process.argv.slice(2);
const files = (roots.length > 0 ? roots : ['test']).flatMap(collect);
if (files.length === 0) {
    console.error('no test files found');
    process.exit(1);
}
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
    { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
