// The panel's controls. They are built once and afterwards only updated in place, so a re-simulation
// never replaces the element that has the keyboard focus (or the text being typed in it). Each control
// changes one field of the calls the server built (address, size, direction, mask, features offered,
// platforms, parameters); the operation itself is the call's and stays as it is.
import { formatAddress } from '@dmalens/core/format';
import type { PlatformInfo } from '@dmalens/protocol';
import { canonicalAddress, canonicalMask, canonicalSize, FIELD_PROBLEMS } from '../inputs';
import {
  describeCall,
  DIRECTIONS,
  fieldsOf,
  isVirtioAdd,
  MAX_PANEL_PLATFORMS,
  PANEL_OPERATIONS,
  PANEL_VIRTIO_FEATURES,
  panelOperation,
  subjectIndex,
  withFields,
  withOperation,
  type ExampleField,
  type PanelFields,
  type PipelineState,
} from '../state';

const DIRECTION_NAMES: Record<string, string> = {
  to_device: 'DMA_TO_DEVICE',
  from_device: 'DMA_FROM_DEVICE',
  bidirectional: 'DMA_BIDIRECTIONAL',
  none: 'DMA_NONE',
};

/** What the controls read: a new state, or what is wrong with the typed values. */
export type ReadResult = { state: PipelineState } | { problems: string[] };

export class Controls {
  private readonly call: HTMLElement;
  private readonly operation: HTMLSelectElement;
  private readonly phys: HTMLInputElement;
  private readonly size: HTMLInputElement;
  private readonly dir: HTMLSelectElement;
  private readonly mask: HTMLInputElement;
  private readonly virtio: HTMLFieldSetElement;
  private readonly negotiate: HTMLInputElement;
  private readonly features = new Map<string, HTMLInputElement>();
  private readonly platformSelects: HTMLSelectElement[] = [];
  private readonly params: HTMLElement;
  private readonly examples = new Map<ExampleField, HTMLElement>();
  private platformList = '';
  private state: PipelineState | null = null;

  constructor(form: HTMLFormElement) {
    const request = fieldset('Call');
    this.call = element('p', { id: 'call', className: 'call' });
    this.operation = select(
      'operation',
      PANEL_OPERATIONS.map(([value, label]) => [value, label]),
    );
    this.phys = input('phys', '0x hex, e.g. 0x12345000');
    this.size = input('size', 'decimal or 0x hex');
    this.dir = select(
      'dir',
      DIRECTIONS.map((dir) => [dir, DIRECTION_NAMES[dir] ?? dir]),
    );
    this.mask = input('mask', 'bits (32) or 0x hex; empty = profile');
    request.append(
      this.call,
      labelled(this.operation, 'Operation'),
      labelled(this.phys, 'Physical address', this.exampleMark('phys')),
      labelled(this.size, 'Size (bytes)', this.exampleMark('size')),
      labelled(this.dir, 'Direction', this.exampleMark('dir')),
      labelled(this.mask, 'DMA mask set first'),
    );

    this.virtio = fieldset('Virtio features offered by the device');
    this.negotiate = checkbox('negotiate');
    this.virtio.append(
      checkboxField(this.negotiate, 'Negotiate these features first (otherwise the profile’s default offer)'),
    );
    for (const name of PANEL_VIRTIO_FEATURES) {
      const box = checkbox(`feature-${name}`);
      this.features.set(name, box);
      this.virtio.append(checkboxField(box, `VIRTIO_F_${name}`));
    }

    const platforms = fieldset(`Platforms (up to ${MAX_PANEL_PLATFORMS}; the first is the reference)`);
    for (let index = 0; index < MAX_PANEL_PLATFORMS; index++) {
      const choice = select(`platform-${index}`, [['', '(none)']]);
      this.platformSelects.push(choice);
      platforms.append(labelled(choice, `Platform ${index + 1}`));
    }
    this.params = element('div', { id: 'params', className: 'params' });

    const actions = element('div', { className: 'actions' });
    const submit = element('button', { textContent: 'Simulate' });
    submit.type = 'submit';
    actions.append(submit);
    form.replaceChildren(request, this.virtio, platforms, this.params, actions);
  }

  /**
   * Shows `state`. `echo` says it is the state this page sent itself: then the focused control keeps what
   * is in it, since the user may have typed on while the simulation ran.
   */
  show(state: PipelineState, platforms: readonly PlatformInfo[], echo: boolean): void {
    this.state = state;
    const keep = (control: HTMLInputElement | HTMLSelectElement) => echo && control === document.activeElement;
    const setValue = (control: HTMLInputElement | HTMLSelectElement, value: string) => {
      if (!keep(control) && control.value !== value) control.value = value;
    };
    const fields = fieldsOf(state.requests);
    this.call.textContent = state.source
      ? `${state.source.api}: ${describeCall(state.requests)}`
      : describeCall(state.requests);
    wrapperOf(this.operation).hidden = state.source !== null;
    setValue(this.operation, panelOperation(state) ?? '');
    for (const [control, value] of [
      // Addresses read as every DMA Lens view prints them, grouped hex; the field takes that form back.
      [this.phys, fields.phys ? formatAddress(BigInt(fields.phys)) : fields.phys],
      // Sizes read as the source writes them: decimal bytes (the wire carries them in hex).
      [this.size, fields.size === null ? null : BigInt(fields.size).toString()],
      [this.dir, fields.dir],
    ] as const) {
      wrapperOf(control).hidden = value === null;
      if (value !== null) setValue(control, value);
    }
    this.phys.placeholder =
      state.requests[subjectIndex(state.requests)]?.op === 'alloc_coherent'
        ? 'empty: the allocator chooses'
        : '0x hex, e.g. 0x12345000';
    setValue(this.mask, fields.mask ?? '');
    for (const [field, mark] of this.examples) mark.hidden = !state.exampleFields.includes(field);
    this.virtio.hidden = !isVirtioAdd(state.requests);
    this.negotiate.checked = fields.offered !== null;
    for (const [name, box] of this.features) {
      box.checked = (fields.offered ?? ['VERSION_1']).includes(name);
      box.disabled = fields.offered === null;
    }
    this.showPlatforms(state, platforms, setValue);
    this.showParams(state, platforms, keep);
  }

  /** The state the controls describe now, or what is wrong with what was typed. */
  read(): ReadResult {
    const state = this.state;
    if (!state) return { problems: ['the panel has not loaded yet'] };
    let next = state;
    const chosen = PANEL_OPERATIONS.find(([operation]) => operation === this.operation.value)?.[0];
    const switched = state.source === null && chosen !== undefined && chosen !== panelOperation(state);
    if (switched) next = withOperation(next, chosen);
    const available = fieldsOf(next.requests);
    const problems: string[] = [];
    // Each field says what is wrong with it, beside it, where the user is typing.
    const check = (control: HTMLInputElement, problem: string | null) => {
      showProblem(control, problem);
      if (problem) problems.push(problem);
      return problem === null;
    };
    const change: Partial<PanelFields> = {};
    const allocates = next.requests[subjectIndex(next.requests)]?.op === 'alloc_coherent';
    const phys = this.phys.value.trim().toLowerCase();
    // A panel switched to another operation keeps the new call's own address when the field was empty.
    if (available.phys !== null && !(switched && phys === '')) {
      if (check(this.phys, allocates && phys === '' ? null : FIELD_PROBLEMS.phys(phys)))
        change.phys = phys === '' ? phys : canonicalAddress(phys);
    }
    const size = this.size.value.trim();
    if (available.size !== null) {
      if (check(this.size, FIELD_PROBLEMS.size(size))) change.size = canonicalSize(size);
    }
    const dir = DIRECTIONS.find((candidate) => candidate === this.dir.value);
    if (available.dir !== null && dir) change.dir = dir;
    const mask = this.mask.value.trim();
    if (check(this.mask, FIELD_PROBLEMS.mask(mask))) change.mask = mask === '' ? null : canonicalMask(mask);
    if (isVirtioAdd(next.requests))
      change.offered = this.negotiate.checked
        ? PANEL_VIRTIO_FEATURES.filter((name) => this.features.get(name)?.checked)
        : null;
    if (problems.length > 0) return { problems };
    next = withFields(next, change);
    const platforms = [...new Set(this.platformSelects.map((choice) => choice.value).filter(Boolean))];
    return {
      state: {
        ...next,
        platforms: platforms.length > 0 ? platforms : state.platforms.slice(0, 1),
        overrides: this.readOverrides(platforms),
      },
    };
  }

  private exampleMark(field: ExampleField): HTMLElement {
    const mark = element('span', { className: 'example', textContent: ' (example)' });
    mark.title = 'Not known from the source: a worked example. Change it to simulate the value you have in mind.';
    this.examples.set(field, mark);
    return mark;
  }

  private showPlatforms(
    state: PipelineState,
    platforms: readonly PlatformInfo[],
    setValue: (control: HTMLSelectElement, value: string) => void,
  ): void {
    const list = JSON.stringify(platforms.map((info) => [info.id, info.title]));
    if (list !== this.platformList) {
      this.platformList = list;
      for (const choice of this.platformSelects) {
        const chosen = choice.value;
        choice.replaceChildren(
          option('', '(none)'),
          ...platforms.map((info) => option(info.id, `${info.title} (${info.id})`)),
        );
        choice.value = chosen;
      }
    }
    // The chosen platforms and one empty choice to add another; the rest wait hidden.
    this.platformSelects.forEach((choice, index) => {
      setValue(choice, state.platforms[index] ?? '');
      wrapperOf(choice).hidden = index > state.platforms.length;
    });
  }

  /** One collapsible list of parameters per shown platform, kept (and left open or closed) across renders. */
  private showParams(
    state: PipelineState,
    platforms: readonly PlatformInfo[],
    keep: (control: HTMLInputElement | HTMLSelectElement) => boolean,
  ): void {
    const existing = new Map(
      [...this.params.children].flatMap((child) =>
        child instanceof HTMLDetailsElement && child.dataset.platform ? [[child.dataset.platform, child]] : [],
      ),
    );
    const wanted = state.platforms.flatMap((id) => platforms.find((info) => info.id === id) ?? []);
    for (const [id, details] of existing) if (!wanted.some((info) => info.id === id)) details.remove();
    wanted.forEach((info, index) => {
      const details = existing.get(info.id) ?? paramsDetails(info);
      if (this.params.children[index] !== details)
        this.params.insertBefore(details, this.params.children[index] ?? null);
      const overrides = state.overrides[info.id] ?? {};
      for (const control of details.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-param]')) {
        const key = control.dataset.param ?? '';
        const value = overrides[key] ?? control.dataset.profileValue ?? '';
        if (!keep(control) && control.value !== value) control.value = value;
        wrapperOf(control).classList.toggle('overridden', key in overrides);
      }
    });
  }

  private readOverrides(platforms: readonly string[]): Record<string, Record<string, string>> {
    const overrides: Record<string, Record<string, string>> = {};
    for (const control of this.params.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-param]')) {
      const platform = control.dataset.platform ?? '';
      const key = control.dataset.param ?? '';
      const text = control.value.trim();
      if (!platforms.includes(platform) || text === '' || text === control.dataset.profileValue) continue;
      (overrides[platform] ??= {})[key] = text;
    }
    return overrides;
  }
}

/** The parameters of one platform; a value changed from the profile's becomes an override. */
function paramsDetails(info: PlatformInfo): HTMLDetailsElement {
  const details = element('details', {});
  details.dataset.platform = info.id;
  details.append(element('summary', { textContent: `Parameters of ${info.title}` }));
  for (const param of info.params) {
    const id = `param-${info.id}-${param.key}`;
    const control =
      param.values && param.values.length > 0
        ? select(
            id,
            param.values.map((value) => [value, value]),
          )
        : input(id, param.kind);
    control.dataset.platform = info.id;
    control.dataset.param = param.key;
    control.dataset.profileValue = param.value;
    control.value = param.value;
    control.title = param.doc;
    details.append(labelled(control, param.key));
  }
  return details;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<Pick<HTMLElement, 'id' | 'className' | 'textContent'>>,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  Object.assign(created, properties);
  return created;
}

function fieldset(legendText: string): HTMLFieldSetElement {
  const set = element('fieldset', {});
  set.append(element('legend', { textContent: legendText }));
  return set;
}

function input(name: string, placeholder: string): HTMLInputElement {
  const control = element('input', { id: name });
  control.name = name;
  control.placeholder = placeholder;
  control.spellcheck = false;
  control.autocomplete = 'off';
  return control;
}

function option(value: string, text: string): HTMLOptionElement {
  const choice = element('option', { textContent: text });
  choice.value = value;
  return choice;
}

function select(name: string, options: readonly (readonly [string, string])[]): HTMLSelectElement {
  const control = element('select', { id: name });
  control.name = name;
  control.append(...options.map(([value, text]) => option(value, text)));
  return control;
}

function checkbox(name: string): HTMLInputElement {
  const box = element('input', { id: name });
  box.type = 'checkbox';
  box.name = name;
  return box;
}

function checkboxField(box: HTMLInputElement, labelText: string): HTMLElement {
  const wrapper = element('div', { className: 'field checkbox' });
  const label = element('label', { textContent: labelText });
  label.htmlFor = box.id;
  wrapper.append(box, label);
  return wrapper;
}

function labelled(control: HTMLElement, labelText: string, mark?: HTMLElement): HTMLElement {
  const wrapper = element('div', { className: 'field' });
  const label = element('label', { textContent: labelText });
  label.htmlFor = control.id;
  if (mark) label.append(mark);
  wrapper.append(label, control);
  return wrapper;
}

/** Marks a field invalid with its problem shown under it, or clears both. */
function showProblem(control: HTMLInputElement, problem: string | null): void {
  const wrapper = wrapperOf(control);
  let note = wrapper.querySelector<HTMLElement>('.field-problem');
  if (problem === null) {
    control.removeAttribute('aria-invalid');
    note?.remove();
    return;
  }
  if (!note) {
    note = element('span', { className: 'field-problem' });
    note.id = `${control.id}-problem`;
    wrapper.append(note);
  }
  note.textContent = problem;
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', note.id);
}

function wrapperOf(control: HTMLElement): HTMLElement {
  return control.parentElement ?? control;
}
