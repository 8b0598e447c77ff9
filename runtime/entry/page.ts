// What a relative wasm path is resolved against in a browser or worker: the page, as fetch()
// itself would (wasm-pack's loader does the same), not the module's own URL.
export function pageUrl(): string | undefined {
  const g = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  return g.document?.baseURI ?? g.location?.href;
}
