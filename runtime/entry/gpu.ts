// navigator.gpu, where the runtime has one (browsers, Deno).
export async function navigatorGpu(): Promise<{ gpu?: GPU; reason?: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  return nav?.gpu ? { gpu: nav.gpu } : { reason: 'navigator.gpu is not defined in this runtime' };
}
