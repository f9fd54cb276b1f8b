// @ts-check
// The address-pipeline page. It builds the controls, keeps its state with setState (so a reload or
// a hidden tab restores it), asks the extension to re-simulate when a control changes, and shows the
// SVG the server's core renderer produced. Text from the state is always set with textContent; the
// SVG is parsed and filtered through an allow-list before it enters the page.
/* global acquireVsCodeApi -- the webview host provides it. */
(function () {
  'use strict';

  /** @type {{ postMessage(message: unknown): void; getState(): any; setState(state: unknown): void }} */
  const vscode = acquireVsCodeApi();
  const nonce = /** @type {HTMLScriptElement} */ (document.currentScript).nonce;

  const OPS = [
    ['map_single', 'dma_map_single'],
    ['map_page', 'dma_map_page'],
    ['alloc_coherent', 'dma_alloc_coherent'],
    ['virtqueue_add', 'virtqueue_add_sgs (virtio)'],
  ];
  const DIRECTIONS = [
    ['to_device', 'DMA_TO_DEVICE'],
    ['from_device', 'DMA_FROM_DEVICE'],
    ['bidirectional', 'DMA_BIDIRECTIONAL'],
    ['none', 'DMA_NONE'],
  ];
  const FEATURES = [
    'VERSION_1',
    'ACCESS_PLATFORM',
    'RING_PACKED',
    'INDIRECT_DESC',
    'ORDER_PLATFORM',
    'EVENT_IDX',
    'IN_ORDER',
    'NOTIFICATION_DATA',
  ];
  const MAX_PLATFORMS = 4;

  const initialElement = document.getElementById('initial-state');
  /** @type {any} */
  let state = vscode.getState() || JSON.parse(initialElement ? initialElement.textContent || 'null' : 'null');
  /** @type {any[]} */
  let platformInfo = [];

  const form = /** @type {HTMLFormElement} */ (document.getElementById('controls'));
  const main = /** @type {HTMLElement} */ (document.getElementById('pipelines'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (!message || typeof message !== 'object') return;
    if (message.type === 'render') {
      state = message.state;
      platformInfo = Array.isArray(message.platforms) ? message.platforms : [];
      vscode.setState(state);
      renderControls();
      renderPipelines(message.simulations || []);
      setStatus('');
    } else if (message.type === 'busy') {
      setStatus('Simulating…');
      main.setAttribute('aria-busy', 'true');
    } else if (message.type === 'error') {
      setStatus(String(message.message), true);
      main.removeAttribute('aria-busy');
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    requestSimulation();
  });
  form.addEventListener('change', () => requestSimulation());

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  /** Reads every control into a new state and asks the extension to simulate it. */
  function requestSimulation() {
    const next = readControls();
    if (!next) return;
    state = next;
    vscode.setState(state);
    vscode.postMessage({ type: 'simulate', state });
  }

  function readControls() {
    const value = (name) => /** @type {HTMLInputElement | null} */ (form.elements.namedItem(name))?.value.trim() ?? '';
    const phys = value('phys').toLowerCase();
    const size = value('size');
    const mask = value('mask');
    const problems = [];
    if (!/^0x[0-9a-f]{1,16}$/.test(phys)) problems.push('physical address must be 0x hex');
    if (!/^(0x[0-9a-f]{1,16}|[0-9]{1,20})$/i.test(size) || /^0+$|^0x0+$/i.test(size))
      problems.push('size must be a positive number');
    if (mask !== '' && !/^(0x[0-9a-f]{1,16}|[0-9]{1,2})$/i.test(mask))
      problems.push('mask must be a bit count or 0x hex');
    if (problems.length > 0) {
      setStatus(problems.join('; '), true);
      return null;
    }
    const platforms = [];
    for (let i = 0; i < MAX_PLATFORMS; i++) {
      const id = value(`platform-${i}`);
      if (id && !platforms.includes(id)) platforms.push(id);
    }
    if (platforms.length === 0) platforms.push(...state.platforms.slice(0, 1));
    const features = FEATURES.filter(
      (name) => /** @type {HTMLInputElement | null} */ (form.elements.namedItem(`feature-${name}`))?.checked,
    );
    return {
      version: 1,
      platforms,
      op: value('op'),
      phys,
      size,
      dir: value('dir'),
      mask: mask === '' ? null : mask,
      features,
      overrides: readOverrides(platforms),
      source: state.source,
    };
  }

  function readOverrides(platforms) {
    /** @type {Record<string, Record<string, string>>} */
    const overrides = {};
    for (const input of form.querySelectorAll('[data-param]')) {
      const element = /** @type {HTMLInputElement} */ (input);
      const platform = element.dataset.platform || '';
      const key = element.dataset.param || '';
      const text = element.value.trim();
      if (!platforms.includes(platform) || text === '' || text === element.dataset.profileValue) continue;
      (overrides[platform] ??= {})[key] = text;
    }
    return overrides;
  }

  // ---------------------------------------------------------------------------------------------
  // Controls

  function renderControls() {
    form.replaceChildren();
    const request = fieldset('Request');
    request.append(
      selectField('op', 'Operation', OPS, state.op),
      inputField('phys', 'Physical address', state.phys, '0x hex, e.g. 0x12345000'),
      inputField('size', 'Size (bytes)', state.size, 'decimal or 0x hex'),
      selectField('dir', 'Direction', DIRECTIONS, state.dir),
      inputField('mask', 'DMA mask set first', state.mask ?? '', 'bits (32) or 0x hex; empty = profile'),
    );
    form.append(request);

    if (state.op === 'virtqueue_add') {
      const features = fieldset('Virtio features offered by the device');
      for (const name of FEATURES)
        features.append(checkboxField(`feature-${name}`, `VIRTIO_F_${name}`, state.features.includes(name)));
      form.append(features);
    }

    const platforms = fieldset('Platforms (up to four)');
    const choices = [['', '(none)'], ...platformInfo.map((info) => [info.id, `${info.title} (${info.id})`])];
    for (let i = 0; i < MAX_PLATFORMS; i++)
      platforms.append(selectField(`platform-${i}`, `Platform ${i + 1}`, choices, state.platforms[i] ?? ''));
    form.append(platforms);

    for (const id of state.platforms) {
      const info = platformInfo.find((entry) => entry.id === id);
      if (info) form.append(paramsDetails(info));
    }

    const actions = document.createElement('div');
    actions.className = 'actions';
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.textContent = 'Simulate';
    actions.append(submit);
    form.append(actions);
  }

  /** A collapsible list of one platform's parameters; a changed value becomes an override. */
  function paramsDetails(info) {
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = `Parameters of ${info.title}`;
    details.append(summary);
    const overrides = (state.overrides && state.overrides[info.id]) || {};
    for (const param of info.params || []) {
      const id = `param-${info.id}-${param.key}`;
      const current = overrides[param.key] ?? param.value;
      const field =
        Array.isArray(param.values) && param.values.length > 0
          ? selectField(
              id,
              param.key,
              param.values.map((v) => [v, v]),
              current,
            )
          : inputField(id, param.key, current, param.kind);
      const control = /** @type {HTMLElement} */ (field.querySelector('input, select'));
      control.dataset.platform = info.id;
      control.dataset.param = param.key;
      control.dataset.profileValue = param.value;
      control.title = param.doc;
      if (param.key in overrides) field.classList.add('overridden');
      details.append(field);
    }
    return details;
  }

  function fieldset(legendText) {
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = legendText;
    set.append(legend);
    return set;
  }

  function inputField(name, labelText, value, placeholder) {
    const wrapper = labelled(name, labelText);
    const input = document.createElement('input');
    input.id = name;
    input.name = name;
    input.value = value;
    input.placeholder = placeholder;
    input.spellcheck = false;
    input.autocomplete = 'off';
    wrapper.append(input);
    return wrapper;
  }

  function selectField(name, labelText, options, selected) {
    const wrapper = labelled(name, labelText);
    const select = document.createElement('select');
    select.id = name;
    select.name = name;
    for (const [value, text] of options) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      option.selected = value === selected;
      select.append(option);
    }
    wrapper.append(select);
    return wrapper;
  }

  function checkboxField(name, labelText, checked) {
    const wrapper = document.createElement('div');
    wrapper.className = 'field checkbox';
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.id = name;
    input.name = name;
    input.checked = checked;
    const label = document.createElement('label');
    label.htmlFor = name;
    label.textContent = labelText;
    wrapper.append(input, label);
    return wrapper;
  }

  function labelled(name, labelText) {
    const wrapper = document.createElement('div');
    wrapper.className = 'field';
    const label = document.createElement('label');
    label.htmlFor = name;
    label.textContent = labelText;
    wrapper.append(label);
    return wrapper;
  }

  // ---------------------------------------------------------------------------------------------
  // Pipelines

  function renderPipelines(simulations) {
    main.replaceChildren();
    main.removeAttribute('aria-busy');
    for (const simulation of simulations) main.append(pipelineColumn(simulation));
  }

  function pipelineColumn(simulation) {
    const section = document.createElement('section');
    section.className = 'pipeline';
    section.dataset.platform = simulation.platform;
    const heading = document.createElement('h2');
    heading.textContent = simulation.title || simulation.platform;
    section.append(heading);

    const outcome = document.createElement('p');
    outcome.className = 'outcome';
    const last = simulation.results && simulation.results[simulation.results.length - 1];
    if (simulation.error) {
      outcome.classList.add('error');
      outcome.textContent = simulation.error;
    } else if (last && last.error) {
      outcome.classList.add('error');
      outcome.textContent = `${last.path}: ${last.error}`;
    } else if (last) {
      outcome.textContent = last.dma
        ? `device address ${groupHex(last.dma)} via ${last.path}`
        : `${last.path}: ${last.rule}`;
    }
    section.append(outcome);

    if (simulation.svg) {
      const picture = sanitizeSvg(simulation.svg);
      if (picture) {
        const figure = document.createElement('figure');
        figure.append(picture);
        section.append(figure);
      }
      const exportButton = document.createElement('button');
      exportButton.type = 'button';
      exportButton.textContent = 'Export SVG';
      exportButton.setAttribute(
        'aria-label',
        `Export the pipeline of ${simulation.title || simulation.platform} as SVG`,
      );
      exportButton.addEventListener('click', () =>
        vscode.postMessage({ type: 'exportSvg', platform: simulation.platform }),
      );
      section.append(exportButton);
    }
    return section;
  }

  /** `0x800000012345000` as `0x800_0000_1234_5000`: the grouping every DMA Lens view uses for addresses. */
  function groupHex(hex) {
    const digits = String(hex).replace(/^0x/i, '');
    const groups = [];
    for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
    return `0x${groups.join('_')}`;
  }

  // ---------------------------------------------------------------------------------------------
  // SVG allow-list. The core escapes what it renders; this is the second fence, so that nothing in
  // a picture can run code or load anything even if a renderer bug let markup through.

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const ALLOWED_ELEMENTS = new Set([
    'svg',
    'g',
    'defs',
    'style',
    'title',
    'desc',
    'rect',
    'line',
    'path',
    'polyline',
    'polygon',
    'circle',
    'ellipse',
    'text',
    'tspan',
    'a',
    'marker',
    'use',
    'symbol',
    'clipPath',
    'linearGradient',
    'stop',
  ]);
  const URL_ATTRIBUTES = new Set(['href', 'xlink:href']);

  function sanitizeSvg(markup) {
    const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml');
    const root = parsed.documentElement;
    if (root.namespaceURI !== SVG_NS || root.localName !== 'svg') return null;
    cleanElement(root);
    const svg = /** @type {SVGSVGElement} */ (document.importNode(root, true));
    for (const style of svg.querySelectorAll('style')) style.setAttribute('nonce', nonce);
    for (const link of svg.querySelectorAll('a')) {
      link.setAttribute('tabindex', '0');
      link.addEventListener('click', (event) => openLink(event, link));
      link.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') openLink(event, link);
      });
    }
    svg.setAttribute('role', 'img');
    return svg;
  }

  function cleanElement(element) {
    for (const child of [...element.children]) {
      if (child.namespaceURI !== SVG_NS || !ALLOWED_ELEMENTS.has(child.localName)) child.remove();
      else cleanElement(child);
    }
    for (const attribute of [...element.attributes]) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.trim();
      const unsafeUrl =
        URL_ATTRIBUTES.has(name) &&
        !(/^https:\/\//i.test(value) || (value.startsWith('#') && element.localName === 'use'));
      if (name.startsWith('on') || name === 'style' || unsafeUrl) element.removeAttribute(attribute.name);
    }
  }

  function openLink(event, link) {
    event.preventDefault();
    const href = link.getAttribute('href') || link.getAttribute('xlink:href') || '';
    if (/^https:\/\//i.test(href)) vscode.postMessage({ type: 'openLink', href });
  }

  // First paint from the saved or initial state; the extension answers 'ready' with a simulation.
  if (state) {
    renderControls();
    vscode.setState(state);
  }
  vscode.postMessage({ type: 'ready' });
})();
