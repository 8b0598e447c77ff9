// The Generate page: the worker runs the byte-level llama of examples/llm (model.gguf, next to
// the page and precached, so it works offline) and streams its tokens here as they come.

export function setupGenerate({ send, stopJob, state, form, out, readout, start, stop }) {
  const run = (state.generate = { status: 'idle', ids: [], text: '', backend: null, tokensPerSec: 0, error: null });
  start.onclick = () => {
    const prompt = form.prompt.value;
    if (!prompt) { readout.textContent = 'type a prompt first'; return; }
    Object.assign(run, { status: 'generating', ids: [], text: '', backend: form.backend.value, error: null });
    start.disabled = true;
    stop.disabled = false;
    const shown = document.createElement('b');
    shown.textContent = prompt;
    out.replaceChildren(shown);
    const tail = document.createTextNode('');
    out.append(tail);
    readout.classList.remove('error');
    readout.textContent = `${run.backend}: loading the model…`;
    send({ type: 'generate', backend: run.backend, prompt, maxTokens: Number(form.maxTokens.value) || 64, temperature: Number(form.temperature.value) }, (m) => {
      if (m.type === 'token') {
        run.ids.push(m.token.id);
        run.text += m.token.text;
        tail.data = run.text;
        readout.textContent = `${run.backend}: ${run.ids.length} tokens · ${m.tokensPerSec.toFixed(0)} tokens/s`;
      } else if (m.type === 'generated' || m.type === 'error') {
        if (m.type === 'error') { run.error = m.message; readout.textContent = `error: ${m.message}`; readout.classList.add('error'); }
        else {
          run.tokensPerSec = m.tokensPerSec;
          readout.textContent = `${run.backend}: ${m.tokens} tokens in ${(m.ms / 1000).toFixed(2)} s · ${m.tokensPerSec.toFixed(0)} tokens/s (model loaded in ${(m.loadMs / 1000).toFixed(2)} s)${m.stopped ? ' · stopped' : ''}`;
        }
        run.status = m.type === 'error' ? 'error' : m.stopped ? 'stopped' : 'done';
        start.disabled = false;
        stop.disabled = true;
      }
    });
  };
  stop.onclick = stopJob;
  return { ready() { start.disabled = false; } };
}
