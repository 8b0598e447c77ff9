// Well-known symbols edgegrad's objects implement. How runtimes ask an object to describe
// itself: Node's util.inspect (console.log in Node and workerd) and Deno's console both look up
// a registered symbol on the object. Symbol.for keys are global, so defining them needs neither
// the `util` module nor the `Deno` namespace.

/** Node's `util.inspect.custom`. */
export const nodeInspect: unique symbol = Symbol.for('nodejs.util.inspect.custom');
/** Deno's `Deno.customInspect`. */
export const denoInspect: unique symbol = Symbol.for('Deno.customInspect');

/** eg.print's output: the console every runtime has. */
export function writeLine(text: string): void {
  console.log(text);
}

// `using` (explicit resource management) calls [Symbol.dispose]. Declared here so the shipped
// types compile in projects whose lib lacks esnext.disposable; TypeScript merges it with the
// lib's own declaration where there is one.
declare global {
  interface SymbolConstructor { readonly dispose: unique symbol }
}
