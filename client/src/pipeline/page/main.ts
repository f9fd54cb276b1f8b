// The address-pipeline page, bundled by esbuild into dist/webview/pipeline.js. It keeps its state with
// setState (so a reload or a hidden tab restores it), asks the extension to simulate whenever a control
// changes, and shows what the server computed. Text from the state is always set as text, never as
// markup, and pictures pass the SVG allow-list before they enter the page.
import { validatePipelineState, type HostMessage } from '../messages';
import { panelTitle, type PipelineState } from '../state';
import type { PlatformInfo } from '@dmalens/protocol';
import { Columns } from './columns';
import { Controls } from './controls';
import { host } from './host';

const nonce = (document.currentScript instanceof HTMLScriptElement ? document.currentScript.nonce : undefined) ?? '';
const form = document.getElementById('controls');
const main = document.getElementById('pipelines');
const status = document.getElementById('status');
const title = document.getElementById('title');
const facts = document.getElementById('facts');
if (!(form instanceof HTMLFormElement) || !main || !status)
  throw new Error('the pipeline page is missing its elements');

const controls = new Controls(form);
const columns = new Columns(main, nonce, {
  exportSvg: (platform) => host.postMessage({ type: 'exportSvg', platform }),
  openLink: (href, ref) => host.postMessage({ type: 'openLink', href, ...(ref ? { ref } : {}) }),
});
let platforms: PlatformInfo[] = [];
/** The state this page last asked to simulate, to tell its own echo from a state the extension chose. */
let lastSent = '';

function setStatus(text: string, isError = false): void {
  status!.textContent = text;
  status!.classList.toggle('error', isError);
}

/** The saved state (after a reload or a hidden tab), else the one the extension embedded in the page. */
function initialState(): PipelineState | null {
  const embedded = document.getElementById('initial-state')?.textContent ?? 'null';
  const embeddedState: unknown = JSON.parse(embedded);
  for (const candidate of [host.getState(), embeddedState]) {
    const checked = validatePipelineState(candidate);
    if (checked.ok) return checked.value;
  }
  return null;
}

function simulate(): void {
  const read = controls.read();
  if ('problems' in read) {
    // The pictures are of the last values that simulated; they are dimmed until the input is fixed.
    setStatus(`Not simulated: ${read.problems.join('; ')}. The pipelines below are for the last valid values.`, true);
    main!.classList.add('stale');
    return;
  }
  const text = JSON.stringify(read.state);
  // Enter in a field both changes and submits it: one simulation is enough.
  if (text === lastSent) return;
  lastSent = text;
  host.setState(read.state);
  controls.show(read.state, platforms, true);
  host.postMessage({ type: 'simulate', state: read.state });
}

/** The source's facts about the call, as text: they come from the driver's code. */
function showFacts(state: PipelineState): void {
  const items = (state.source?.facts ?? []).map((fact) => {
    const item = document.createElement('li');
    item.textContent = fact;
    return item;
  });
  facts?.replaceChildren(...items);
  if (facts) facts.hidden = items.length === 0;
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (message.type === 'render') {
    platforms = message.platforms;
    if (title) title.textContent = panelTitle(message.state);
    showFacts(message.state);
    document.title = panelTitle(message.state);
    host.setState(message.state);
    controls.show(message.state, platforms, JSON.stringify(message.state) === lastSent);
    columns.show(message.simulations);
    main.classList.remove('stale');
    setStatus('');
  } else if (message.type === 'busy') {
    setStatus('Simulating…');
    main.setAttribute('aria-busy', 'true');
  } else if (message.type === 'error') {
    // The same state may be asked for again once the problem is fixed.
    lastSent = '';
    setStatus(message.message, true);
    main.removeAttribute('aria-busy');
  }
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  simulate();
});
form.addEventListener('change', () => simulate());

// First paint from the saved or embedded state; the extension answers 'ready' with a simulation.
const first = initialState();
if (first) {
  showFacts(first);
  controls.show(first, platforms, false);
  host.setState(first);
}
host.postMessage({ type: 'ready' });
