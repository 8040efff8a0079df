/**
 * The diagram's stylesheet: one source for the SVG files the CLI writes (embedded) and for the
 * preview webview (loaded with a nonce). VS Code's theme variables win; the fallbacks follow the
 * system's light or dark preference.
 */

export const DIAGRAM_CSS = `
.tnet-diagram {
    --tn-fg: var(--vscode-editor-foreground, #1f2328);
    --tn-bg: var(--vscode-editor-background, #ffffff);
    --tn-muted: var(--vscode-descriptionForeground, #59636e);
    --tn-input: var(--vscode-charts-blue, #2563eb);
    --tn-pattern: var(--vscode-charts-orange, #c2410c);
    --tn-output: var(--vscode-charts-green, #15803d);
    --tn-accent: var(--vscode-editorLink-activeForeground, #d6336c);
    --tn-merge-a: var(--vscode-charts-purple, #7c3aed);
    --tn-merge-b: var(--vscode-charts-yellow, #ca8a04);
    color: var(--tn-fg);
    font-family: 'DejaVu Sans Mono', Menlo, Consolas, ui-monospace, monospace;
}
@media (prefers-color-scheme: dark) {
    .tnet-diagram {
        --tn-fg: var(--vscode-editor-foreground, #e6edf3);
        --tn-bg: var(--vscode-editor-background, #0d1117);
        --tn-muted: var(--vscode-descriptionForeground, #9198a1);
        --tn-input: var(--vscode-charts-blue, #60a5fa);
        --tn-pattern: var(--vscode-charts-orange, #fb923c);
        --tn-output: var(--vscode-charts-green, #4ade80);
        --tn-accent: var(--vscode-editorLink-activeForeground, #f472b6);
        --tn-merge-a: var(--vscode-charts-purple, #a78bfa);
        --tn-merge-b: var(--vscode-charts-yellow, #facc15);
    }
}
.tnet-diagram .tn-background { fill: var(--tn-bg); }
.tnet-diagram .tn-edge, .tnet-diagram .tn-bundle {
    fill: none; stroke: var(--tn-fg); stroke-linecap: round; opacity: 0.8;
}
.tnet-diagram .tn-bundle { opacity: 0.55; }
.tnet-diagram .tn-hit { fill: none; stroke: transparent; stroke-width: 12px; pointer-events: stroke; }
.tnet-diagram .tn-junction { fill: var(--tn-fg); }
.tnet-diagram .tn-leg-end { fill: var(--tn-bg); stroke: var(--tn-fg); stroke-width: 1.5px; }
.tnet-diagram .tn-sum-end { stroke: var(--tn-fg); stroke-width: 2px; }
.tnet-diagram .tn-node rect { stroke-width: 1.5px; fill: var(--tn-bg); }
.tnet-diagram .tn-input rect {
    stroke: var(--tn-input); fill: color-mix(in srgb, var(--tn-input) 16%, var(--tn-bg));
}
.tnet-diagram .tn-pattern rect {
    stroke: var(--tn-pattern); stroke-dasharray: 4 2;
    fill: color-mix(in srgb, var(--tn-pattern) 14%, var(--tn-bg));
}
.tnet-diagram .tn-output rect {
    stroke: var(--tn-output); stroke-width: 2.5px;
    fill: color-mix(in srgb, var(--tn-output) 16%, var(--tn-bg));
}
.tnet-diagram .tn-node text { fill: var(--tn-fg); font-size: 13px; font-weight: 600; }
.tnet-diagram .tn-label {
    fill: var(--tn-fg); font-size: 11px;
    paint-order: stroke; stroke: var(--tn-bg); stroke-width: 3.5px; stroke-linejoin: round;
}
.tnet-diagram .tn-label .tn-size { fill: var(--tn-muted); }
.tnet-diagram .tn-sign { fill: var(--tn-fg); font-size: 13px; }
.tnet-diagram [data-tensor], .tnet-diagram [data-index] { cursor: pointer; }
.tnet-diagram .tn-highlight.tn-edge, .tnet-diagram .tn-highlight.tn-bundle {
    stroke: var(--tn-accent); opacity: 1;
}
.tnet-diagram .tn-highlight.tn-junction { fill: var(--tn-accent); }
.tnet-diagram .tn-highlight.tn-label { fill: var(--tn-accent); font-weight: 700; }
.tnet-diagram .tn-node.tn-highlight rect { stroke: var(--tn-accent); stroke-width: 3px; }
.tnet-diagram .tn-node.tn-merge-a rect { stroke: var(--tn-merge-a); stroke-width: 3.5px; }
.tnet-diagram .tn-node.tn-merge-b rect { stroke: var(--tn-merge-b); stroke-width: 3.5px; }
.tnet-diagram .tn-edge.tn-contracted { stroke: var(--tn-accent); opacity: 1; stroke-dasharray: 5 3; }
.tnet-diagram .tn-node.tn-done { opacity: 0.35; }
.tnet-diagram .tn-edge.tn-done { opacity: 0.2; }
`;
