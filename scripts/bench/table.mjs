// The benchmark's one table (Markdown, so docs/performance.md can hold it as printed) and the notes
// that say what each figure means and how loaded the machine was.

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
const megabytes = (kb) => (Number.isFinite(kb) ? `${Math.round(kb / 1024)} MB` : '—');
const count = (value) => value.toLocaleString('en-US');

function spread(stat, unit) {
  if (!Number.isFinite(stat.median)) return '—';
  return stat.count > 1 ? `${unit(stat.min)} – ${unit(stat.max)}` : 'one run';
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

export function formatTable(figures) {
  const lines = [];
  const rg = figures.scan.rg.wall.median;
  const ratio = (ms) => `${(ms / rg).toFixed(2)}×`;
  const { counts } = figures;
  lines.push(
    `DMA Lens benchmark: ${figures.tree} (${count(figures.size.files)} .c/.h files, ${count(Math.round(figures.size.bytes / 1e6))} MB), ${figures.runs} run(s) each`,
  );
  lines.push('');
  lines.push(row(['figure', 'median', 'spread (min – max)', 'vs ripgrep', 'peak RSS', 'found']));
  lines.push(row(['---', '---:', '---:', '---:', '---:', '---']));
  lines.push(
    row([
      `ripgrep, the ${figures.names} prefilter names (-w -F)`,
      seconds(rg),
      spread(figures.scan.rg.wall, seconds),
      '1.00×',
      megabytes(figures.scan.rg.rss.median),
      `${count(figures.rgLines)} matching lines`,
    ]),
  );
  const found = `${count(counts.sites)} sites, ${count(counts.diagnostics)} diagnostics in ${count(counts.files)} files`;
  const scanRows = [
    ['first', '`dmalens scan`, whole tree, empty cache', found],
    ['unchanged', '`dmalens scan` again, tree unchanged (cache)', 'same'],
    ['changed', `\`dmalens scan\` again after changing ${figures.changedFile ?? 'one file'}`, 'same + 1 site'],
  ];
  for (const [key, label, what] of scanRows) {
    const figure = figures.scan[key];
    if (!figure || !Number.isFinite(figure.wall.median)) continue;
    lines.push(
      row([
        label,
        seconds(figure.wall.median),
        spread(figure.wall, seconds),
        ratio(figure.wall.median),
        megabytes(figure.rss.median),
        what,
      ]),
    );
  }
  if (figures.lsp) {
    const lsp = figures.lsp;
    const label = (text) => `language server, ${text}`;
    lines.push(
      row([
        label(`first hover after opening ${lsp.file}`),
        millis(lsp.firstHover.median),
        spread(lsp.firstHover, millis),
        '—',
        megabytes(lsp.rss.median),
        lsp.firstHoverHasContent ? 'hover shown' : 'EMPTY hover',
      ]),
    );
    lines.push(
      row([
        label(`hover p50 (${count(lsp.requests)} requests, ${lsp.positions} call positions)`),
        millis(lsp.hoverP50.median),
        spread(lsp.hoverP50, millis),
        '—',
        '',
        `${count(lsp.hoversWithContent)} with content`,
      ]),
    );
    lines.push(row([label('hover p99'), millis(lsp.hoverP99.median), spread(lsp.hoverP99, millis), '—', '', '']));
    lines.push(
      row([
        label(`edit → diagnostics p50 (${count(lsp.requests)} incremental edits)`),
        millis(lsp.editP50.median),
        spread(lsp.editP50, millis),
        '—',
        '',
        '',
      ]),
    );
    lines.push(
      row([label('edit → diagnostics p99'), millis(lsp.editP99.median), spread(lsp.editP99, millis), '—', '', '']),
    );
  }
  if (figures.index) {
    const index = figures.index;
    lines.push(
      row([
        'language server, index of the whole tree (then idle 1 s)',
        seconds(index.indexMs),
        'one run',
        ratio(index.indexMs),
        `${megabytes(index.rssKb)} (peak ${megabytes(index.peakKb)})`,
        `${count(index.sites ?? 0)} sites in ${count(index.files ?? 0)} files`,
      ]),
    );
  }
  if (figures.coccinelle) {
    const cocci = figures.coccinelle;
    lines.push(
      row([
        `Coccinelle ${cocci.version?.replace(/^spatch version /, '') ?? ''}, 6 names, ${'drivers/{net,virtio,block}'}${cocci.cached ? ' (cached run)' : ''}`,
        seconds(cocci.wallMs),
        'one run',
        ratio(cocci.wallMs),
        megabytes(cocci.rssKb),
        `${count(cocci.coccinelle)} sites`,
      ]),
    );
    lines.push(
      row([
        "recall: Coccinelle's sites that DMA Lens also finds",
        `${(cocci.recall * 100).toFixed(2)} %`,
        '',
        '',
        '',
        `${count(cocci.matched)} of ${count(cocci.coccinelle)} (${count(cocci.columnDiffers.length)} at another column); DMA Lens ${count(cocci.dmalens)}`,
      ]),
    );
  }
  lines.push(
    row([
      'sites reported inside a comment or string (whole tree)',
      String(figures.outsideCode.offenders.length),
      '',
      '',
      '',
      `of ${count(figures.outsideCode.checked)} checked`,
    ]),
  );
  lines.push('');
  if (figures.coccinelle) {
    for (const [side, title] of [
      ['missed', 'Found by Coccinelle, not by DMA Lens'],
      ['extra', 'Found by DMA Lens, not by Coccinelle'],
    ]) {
      const classes = Object.entries(figures.coccinelle[side]);
      lines.push(`${title}: ${classes.length ? '' : 'none'}`);
      for (const [name, entry] of classes) lines.push(`- ${name}: ${entry.count} (e.g. ${entry.examples.join('; ')})`);
    }
    const { columnDiffers } = figures.coccinelle;
    if (columnDiffers.length) lines.push(`Same line, another column: ${columnDiffers.slice(0, 5).join('; ')}`);
    lines.push('');
  }
  if (figures.outsideCode.offenders.length)
    lines.push(`Sites inside comments or strings: ${figures.outsideCode.offenders.slice(0, 10).join('; ')}`);
  const machine = figures.machine;
  lines.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB; load average before ${machine.loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${machine.loadAfter.map((value) => value.toFixed(2)).join(' ')}; node ${machine.node}, ${machine.ripgrep}${machine.nice !== null ? `; all measured commands under nice -n ${machine.nice}` : ''}; ${machine.date}`,
  );
  lines.push(
    `Scans read ${figures.liftLimit ? 'every file (size limit lifted to match ripgrep)' : 'files up to 4 MiB, and ripgrep was given the same limit (--max-filesize 4M)'}; cold process, warm OS file cache.`,
  );
  if (figures.findings) {
    const { byRule, recall } = figures.findings;
    lines.push('');
    lines.push(
      `Findings per rule (first scan): ${Object.entries(byRule)
        .sort((a, b) => b[1] - a[1])
        .map(([rule, found]) => `${rule} ${count(found)}`)
        .join(', ')}`,
    );
    lines.push(
      `Recall on the labelled bugs (test/precision/linux-6.1-bugs.json): ${recall.found} of ${recall.total}; ${Object.entries(
        recall.bySource,
      )
        .map(([source, figure]) => `found by ${source}: ${figure.found} of ${figure.total}`)
        .join(
          '; ',
        )}${recall.missed.length ? `; missed: ${recall.missed.map((bug) => `${bug.file}:${bug.line}`).join(', ')}` : ''}${
        recall.notInTree?.length ? ` (not in this tree: ${recall.notInTree.map((bug) => bug.file).join(', ')})` : ''
      }`,
    );
  }
  if (figures.driverContext?.length) {
    const passed = figures.driverContext.filter((line) => line.ok).length;
    lines.push('');
    lines.push(`Driver context on the real tree: ${passed} of ${figures.driverContext.length} as the kernel says`);
    lines.push('');
    lines.push(row(['check', 'expected', 'the hover says', '']));
    lines.push(row(['---', '---', '---', '---']));
    for (const line of figures.driverContext)
      lines.push(row([line.check, `\`${line.expected}\``, line.got, line.ok ? 'ok' : 'DIFFERENT']));
  }
  return `${lines.join('\n')}\n`;
}
