// Runs bench/paths.ts as the product runs: bundled by esbuild (tsx's module wrappers add
// per-call overhead that would count against the searches). Arguments pass through.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('.tmp', { recursive: true });
await build({
    entryPoints: ['bench/paths.ts'],
    outfile: '.tmp/bench-paths.cjs',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
});
const result = spawnSync(process.execPath, ['.tmp/bench-paths.cjs', ...process.argv.slice(2)], {
    stdio: 'inherit',
});
process.exit(result.status ?? 1);
