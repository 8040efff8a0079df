// Bundles what ships with esbuild: the CLI, the language server (Node and web worker), the
// extension (Node and browser), the runtime process and its WebGPU worker, the webview scripts
// and the playground.
import { build } from 'esbuild';
import { cpSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

const node = { ...common, platform: 'node', target: 'node20', format: 'cjs' };
const web = { ...common, platform: 'browser', target: 'es2022' };

const targets = [
    {
        ...node,
        entryPoints: ['server/src/cli/main.ts'],
        outfile: 'dist/cli.js',
        external: ['webgpu'],
    },
    { ...node, entryPoints: ['server/src/lsp/node.ts'], outfile: 'dist/server.js' },
    {
        ...node,
        entryPoints: ['server/src/runtime/main.ts'],
        outfile: 'dist/runtime.js',
        external: ['webgpu'],
    },
    {
        ...node,
        entryPoints: ['server/src/runtime/webgpu/worker.ts'],
        outfile: 'dist/webgpu-worker.js',
        external: ['webgpu'],
    },
    {
        ...node,
        entryPoints: ['client/src/extension.ts'],
        outfile: 'dist/client.js',
        external: ['vscode'],
    },
    {
        ...web,
        format: 'cjs',
        entryPoints: ['client/src/web/extension.ts'],
        outfile: 'dist/web/client.js',
        external: ['vscode'],
    },
    {
        ...web,
        format: 'iife',
        entryPoints: ['server/src/lsp/browser.ts'],
        outfile: 'dist/web/server.js',
    },
    {
        ...web,
        format: 'iife',
        entryPoints: ['media/diagram/preview.ts'],
        outfile: 'dist/media/diagram/preview.js',
    },
];

await Promise.all(targets.map((target) => build(target)));
// The WebGPU worker reads its WGSL kernels from dist/wgsl at run time.
cpSync('server/src/runtime/webgpu/kernels', 'dist/wgsl', { recursive: true });
// The browser playground (dist/playground) reuses the web language server bundled above.
await import('../playground/build.mjs');
