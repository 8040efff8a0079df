// Serves the built playground (dist/playground) on 127.0.0.1 only: `node scripts/playground.mjs
// [port]` prints the address to open. Tests import `servePlayground` and pass port 0.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'playground');

const TYPES = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.map': 'application/json; charset=utf-8',
    '.ttf': 'font/ttf',
};

/** Starts the server; resolves to it and the address it listens on. */
export function servePlayground(port = 0, root = ROOT) {
    const server = createServer((request, response) => {
        void answer(root, request, response);
    });
    return new Promise((done, fail) => {
        server.once('error', fail);
        server.listen(port, '127.0.0.1', () => {
            const address = server.address();
            done({ server, url: `http://127.0.0.1:${address.port}/` });
        });
    });
}

async function answer(root, request, response) {
    let path;
    try {
        path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
        response.writeHead(400).end();
        return;
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    // Only files inside the playground's folder are served, whatever the path says.
    const type = TYPES[extname(file)];
    if (request.method !== 'GET' || !file.startsWith(root + sep) || type === undefined) {
        response.writeHead(404).end();
        return;
    }
    try {
        const body = await readFile(file);
        response.writeHead(200, {
            'Content-Type': type,
            'Cache-Control': 'no-store',
            'X-Content-Type-Options': 'nosniff',
        });
        response.end(body);
    } catch {
        response.writeHead(404).end();
    }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    if (!existsSync(join(ROOT, 'index.html'))) {
        console.error('dist/playground is not built: run `npm run build` first');
        process.exit(1);
    }
    const { url } = await servePlayground(Number(process.argv[2] ?? 8080));
    console.log(`tnet playground: open ${url} (Ctrl+C stops it)`);
}
