// One column per platform: the outcome of the call in words and the server's picture of its address
// pipeline, passed through the SVG allow-list. Columns are kept per platform and updated in place, so a
// re-simulation does not take away the focus from an export button or a stage link.
import { formatAddress } from '@dmalens/core/format';
import type { PlatformSimulation, WireOpResult } from '@dmalens/protocol';
import { sanitizeSvg } from './svg-allow-list';

export interface ColumnActions {
  exportSvg(platform: string): void;
  openLink(href: string, ref: string | undefined): void;
}

export class Columns {
  constructor(
    private readonly main: HTMLElement,
    private readonly nonce: string,
    private readonly actions: ColumnActions,
  ) {}

  show(simulations: readonly PlatformSimulation[]): void {
    const existing = new Map(
      [...this.main.children].flatMap((child) =>
        child instanceof HTMLElement && child.dataset.platform ? [[child.dataset.platform, child]] : [],
      ),
    );
    for (const [platform, section] of existing)
      if (!simulations.some((simulation) => simulation.platform === platform)) section.remove();
    simulations.forEach((simulation, index) => {
      const section = existing.get(simulation.platform) ?? this.column(simulation.platform);
      if (this.main.children[index] !== section) this.main.insertBefore(section, this.main.children[index] ?? null);
      this.fill(section, simulation);
    });
    this.main.removeAttribute('aria-busy');
  }

  private column(platform: string): HTMLElement {
    const section = document.createElement('section');
    section.className = 'pipeline';
    section.dataset.platform = platform;
    const heading = document.createElement('h2');
    const outcome = document.createElement('p');
    outcome.className = 'outcome';
    const figure = document.createElement('figure');
    const exportButton = document.createElement('button');
    exportButton.type = 'button';
    exportButton.className = 'export';
    exportButton.textContent = 'Export SVG';
    exportButton.addEventListener('click', () => this.actions.exportSvg(platform));
    section.append(heading, outcome, figure, exportButton);
    return section;
  }

  private fill(section: HTMLElement, simulation: PlatformSimulation): void {
    const title = simulation.title || simulation.platform;
    section.querySelector('h2')!.textContent = title;
    const outcome = section.querySelector<HTMLElement>('.outcome')!;
    const last = simulation.results[simulation.results.length - 1];
    const failure = simulation.error ?? (last?.error ? `${last.path}: ${last.error}` : null);
    outcome.classList.toggle('error', failure !== null);
    outcome.textContent = failure ?? (last ? outcomeWords(last) : '');
    const figure = section.querySelector('figure')!;
    const picture = simulation.svg ? sanitizeSvg(simulation.svg, document, this.nonce) : null;
    if (picture) this.linkStages(picture);
    figure.replaceChildren(...(picture ? [picture] : []));
    const exportButton = section.querySelector<HTMLButtonElement>('button.export')!;
    exportButton.hidden = !simulation.svg;
    exportButton.setAttribute('aria-label', `Export the pipeline of ${title} as SVG`);
  }

  /**
   * Stage links open through the extension, which checks them and opens the kernel tree's own file when the
   * workspace holds it; the page itself never navigates.
   */
  private linkStages(picture: SVGSVGElement): void {
    for (const link of picture.querySelectorAll('a')) {
      link.setAttribute('tabindex', '0');
      const open = (event: Event) => {
        event.preventDefault();
        const href = link.getAttribute('href') ?? link.getAttribute('xlink:href') ?? '';
        if (/^https:\/\//i.test(href)) this.actions.openLink(href, link.getAttribute('data-ref') ?? undefined);
      };
      link.addEventListener('click', open);
      link.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') open(event);
      });
    }
  }
}

/** `device address 0x800_0000_1234_5000 via ppc-tce`, or the path and its rule when the call gives no address. */
function outcomeWords(result: WireOpResult): string {
  return result.dma !== null
    ? `device address ${formatAddress(BigInt(result.dma))} via ${result.path}`
    : `${result.path}: ${result.rule}`;
}
