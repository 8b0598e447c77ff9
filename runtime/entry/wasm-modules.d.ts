// Worker bundlers (wrangler, workerd configs, Vercel) hand a .wasm import over as a compiled module.
declare module '*.wasm' { const m: WebAssembly.Module; export default m; }
declare module '*.wasm?module' { const m: WebAssembly.Module; export default m; }
