/**
 * The preview's page: a strict Content-Security-Policy (scripts and styles by nonce, everything
 * else from the extension's own folder), the diagram stylesheet and the bundled webview script.
 * No `vscode` here, so that the browser tests serve the very same page.
 */
import { DIAGRAM_CSS } from '../../../server/src/diagram/style';

export interface PageResources {
    /** The webview's `cspSource`: where local resources are allowed from. */
    cspSource: string;
    nonce: string;
    scriptUri: string;
    styleUri: string;
    /** Markup placed before the script, for the browser test's stub of `acquireVsCodeApi`. */
    prelude?: string;
}

export function previewHtml(page: PageResources): string {
    const csp = [
        "default-src 'none'",
        `img-src ${page.cspSource} data: blob:`,
        `style-src ${page.cspSource} 'nonce-${page.nonce}'`,
        `font-src ${page.cspSource}`,
        `script-src 'nonce-${page.nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${page.styleUri}">
<style nonce="${page.nonce}">${DIAGRAM_CSS}</style>
<title>tnet diagram</title>
</head>
<body>
<header class="toolbar">
  <select id="statement" class="statement" title="The equation shown; follows the cursor"></select>
  <span class="path" role="group" aria-label="Contraction path">
    <button id="first" title="Back to the whole network" aria-label="First">«</button>
    <button id="prev" title="Previous contraction step" aria-label="Previous step">◀</button>
    <span id="counter" class="counter">path</span>
    <button id="next" title="Next contraction step" aria-label="Next step">▶</button>
  </span>
  <span class="spacer"></span>
  <button id="export-svg" title="Save the diagram as SVG">SVG</button>
  <button id="export-png" title="Save the diagram as PNG">PNG</button>
</header>
<div id="step-info" class="step-info" aria-live="polite"></div>
<div id="message" class="message" hidden></div>
<main id="canvas" class="canvas"></main>
${page.prelude ?? ''}
<script nonce="${page.nonce}" src="${page.scriptUri}"></script>
</body>
</html>
`;
}

/** A fresh nonce per page: 32 characters from a cryptographic source. */
export function makeNonce(): string {
    const bytes = new Uint8Array(24);
    globalThis.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, 'x');
}
