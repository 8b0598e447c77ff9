// Registers the service worker (sw.js) that makes the app work offline, and offers a reload
// when a new build has been installed behind the running one.
export async function registerServiceWorker({ onVersion, onUpdate }) {
  const sw = navigator.serviceWorker;
  if (!sw) return;
  const hadController = !!sw.controller;
  sw.addEventListener('message', (e) => { if (e.data?.version) onVersion(e.data.version); });
  // the first install claims the page (no reload); a later one waits until the user says so
  let reloading = false;
  sw.addEventListener('controllerchange', () => {
    if (hadController && !reloading) { reloading = true; location.reload(); }
    sw.controller?.postMessage('version');
  });
  // updateViaCache 'none': the browser always asks the server for sw.js, so a new build is seen on the next visit
  const reg = await sw.register('./sw.js', { updateViaCache: 'none' });
  const offer = (w) => onUpdate(() => w.postMessage('skip-waiting'));
  if (reg.waiting && sw.controller) offer(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const w = reg.installing;
    w?.addEventListener('statechange', () => { if (w.state === 'installed' && sw.controller) offer(w); });
  });
  sw.controller?.postMessage('version');
}
