// Size arguments resolved through the headers of the file's kernel tree, for the machines of the file's
// platforms: `PKT_BUF_SZ` is 1540 through tulip.h, `sizeof(struct usb_ctrlrequest)` 8. When the machines
// disagree (LP64 and ILP32 layouts) or a value depends on a CONFIG_ option the machine leaves open, the
// first platform's (or the first option's) value is simulated and the others are said.
import type { PlatformProfile } from '@dmalens/core';
import type { DefinitionsIndex, OptionChoice, Resolution, ResolvedValue, TargetMachine } from '../definitions';
import type { SizeAnswer } from '../sites';

export function resolveSize(
  index: DefinitionsIndex,
  path: string,
  machines: readonly { profile: PlatformProfile; machine: TargetMachine }[],
  text: string,
): SizeAnswer {
  const byMachine = new Map<string, { ids: string[]; answer: SizeAnswer }>();
  for (const { profile, machine } of machines) {
    const known = byMachine.get(machine.key);
    if (known) known.ids.push(profile.id);
    else byMachine.set(machine.key, { ids: [profile.id], answer: answerOf(index.resolve(path, machine, text)) });
  }
  const answers = [...byMachine.values()];
  const [first, ...others] = answers;
  if (!first) return { unknown: 'no platform of the file has a machine the headers can be read for' };
  if (!('value' in first.answer)) return first.answer;
  const differing = others.filter(
    (other) => !('value' in other.answer) || other.answer.value !== (first.answer as { value: bigint }).value,
  );
  if (differing.length === 0) return first.answer;
  const elsewhere = differing
    .map((other) => `${'value' in other.answer ? `${other.answer.value}` : 'unknown'} on ${other.ids.join(', ')}`)
    .join('; ');
  return { value: first.answer.value, words: `${first.answer.words} on ${first.ids.join(', ')} (${elsewhere})` };
}

function answerOf(resolution: Resolution): SizeAnswer {
  switch (resolution.kind) {
    case 'value':
      return { value: resolution.value, words: `${resolution.value} bytes${through(resolution)}` };
    case 'unknown':
      return { unknown: resolution.reason };
    case 'alternatives': {
      const values = resolution.alternatives.filter((alternative) => 'value' in alternative);
      const chosen = values[0] as ({ options: OptionChoice[] } & ResolvedValue) | undefined;
      if (!chosen) return { unknown: 'it is unknown under every configuration the platform allows' };
      const others = resolution.alternatives
        .filter((alternative) => alternative !== chosen)
        .map(
          (alternative) =>
            `${'value' in alternative ? alternative.value : 'unknown'} with ${optionsWords(alternative.options)}`,
        )
        .join(', ');
      return {
        value: chosen.value,
        words: `${chosen.value} bytes with ${optionsWords(chosen.options)}${through(chosen)} (${others})`,
      };
    }
  }
}

function through(value: ResolvedValue): string {
  const first = value.uses[0];
  return first ? ` through ${first.name} (${first.file})` : '';
}

function optionsWords(options: readonly OptionChoice[]): string {
  return options.map((option) => `CONFIG_${option.symbol}=${option.on ? 'y' : 'n'}`).join(' ');
}
