// Bundles the browser playground into dist/playground: the page and its script, monaco's editor
// worker, the language server's web worker (the extension's very bundle, copied) and the styles.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const out = 'dist/playground';
const web = {
    bundle: true,
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
};

mkdirSync(out, { recursive: true });
await Promise.all([
    build({
        ...web,
        entryPoints: ['playground/src/main.ts'],
        outfile: `${out}/playground.js`,
        loader: { '.tnet': 'text', '.ttf': 'file' },
    }),
    build({
        ...web,
        entryPoints: ['node_modules/monaco-editor/esm/vs/editor/editor.worker.js'],
        outfile: `${out}/editor.worker.js`,
    }),
]);
copyFileSync('dist/web/server.js', `${out}/server.js`);
if (existsSync('dist/web/server.js.map'))
    copyFileSync('dist/web/server.js.map', `${out}/server.js.map`);
copyFileSync('playground/index.html', `${out}/index.html`);
copyFileSync('playground/playground.css', `${out}/page.css`);
