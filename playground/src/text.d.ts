// The examples are bundled as text (esbuild's `text` loader for `.tnet`).
declare module '*.tnet' {
    const text: string;
    export default text;
}
