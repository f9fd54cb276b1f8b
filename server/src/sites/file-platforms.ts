// Which platforms a file's call sites are shown on. With `auto` (the default) they are the file's own
// targets, as the kernel's build system decides them: a driver that builds only for pseries is shown on
// the pseries profiles and nothing else. A driver that builds almost everywhere would fill a hover with
// every profile, so there the default platforms among its targets are shown. An explicit selection is the
// user's choice and wins; what it shows beyond the file's targets is said, not hidden.

/** What the build system says about a file (the project model's Targets, seen from this layer). */
export interface BuildTargets {
  platforms: readonly string[];
  why: string;
  basis: 'built' | 'architecture' | 'unmodelled' | 'unknown';
}

export type PlatformChoice = 'auto' | 'setting';

export interface FilePlatforms {
  /** The platform ids the file is simulated on, reference first. */
  ids: string[];
  choice: PlatformChoice;
  /** The build system's answer, or null outside a kernel tree. */
  targets: BuildTargets | null;
  /** Selected platforms the build system says the file cannot run on (explicit selections only). */
  outsideTargets: string[];
  /** One line saying how the platforms were chosen, for hovers, reports and logs. */
  why: string;
  /**
   * The file is in a kernel tree whose Kconfig runs it on no modelled platform (SH, m68k, 32-bit x86 …) or
   * on a machine no profile models (ARCH_U8500: the arm profiles are shown): the platforms are shown for
   * illustration. Rules whose findings depend on the platforms say
   * nothing then, since their "the device would see" would be about machines the driver never runs on.
   */
  standIn: boolean;
}

/** Up to this many targets are all shown; beyond it, the default platforms among them. */
export const AUTO_TARGETS_SHOWN = 6;

/**
 * The platforms of one file. `selected` is the model's selection: the user's list, or the default
 * platforms when the setting is `auto`.
 */
export function filePlatforms(
  choice: PlatformChoice,
  selected: readonly string[],
  targets: BuildTargets | null,
): FilePlatforms {
  const known = targets && targets.platforms.length > 0 ? targets : null;
  if (choice === 'setting') return chosenBySetting(selected, targets, known);
  if (!known) {
    const reason = targets ? `${targets.why}; ` : 'outside a kernel tree; ';
    return {
      ids: [...selected],
      choice,
      targets,
      outsideTargets: [],
      why: `${reason}showing the default platforms`,
      standIn: targets?.basis === 'unmodelled',
    };
  }
  if (known.platforms.length <= AUTO_TARGETS_SHOWN)
    return {
      ids: [...known.platforms],
      choice,
      targets,
      outsideTargets: [],
      why: known.why,
      // Profiles of the architecture shown for a machine none of them models (ARCH_U8500 on arm).
      standIn: known.basis === 'architecture',
    };
  const defaults = selected.filter((id) => known.platforms.includes(id));
  const ids = defaults.length > 0 ? defaults : known.platforms.slice(0, AUTO_TARGETS_SHOWN);
  return {
    ids,
    choice,
    targets,
    outsideTargets: [],
    why: `${known.why}; ${known.platforms.length} platforms can build it, showing ${defaults.length > 0 ? 'the default ones' : 'the first ones'}`,
    standIn: known.basis === 'architecture',
  };
}

/**
 * With `auto`, the user's custom platforms join the files that run on their base platform: a board of one's
 * own built on rpi4-soc is shown wherever rpi4-soc is. A list in the settings names them itself.
 */
export function withCustomPlatforms(
  platforms: FilePlatforms,
  customs: readonly { id: string; extends?: string | undefined }[],
): FilePlatforms {
  if (platforms.choice !== 'auto') return platforms;
  const joining = customs.filter((custom) => custom.extends && platforms.ids.includes(custom.extends));
  if (joining.length === 0) return platforms;
  const names = joining.map((custom) => custom.id);
  return {
    ...platforms,
    ids: [...platforms.ids, ...names],
    why: `${platforms.why}; with ${names.join(', ')} from dmalens.customPlatforms`,
  };
}

function chosenBySetting(
  selected: readonly string[],
  targets: BuildTargets | null,
  known: BuildTargets | null,
): FilePlatforms {
  const outsideTargets = known ? selected.filter((id) => !known.platforms.includes(id)) : [];
  const why =
    known && outsideTargets.length > 0
      ? `chosen in dmalens.platforms, although ${outsideTargets.join(', ')} cannot build this file: ${known.why}`
      : 'chosen in dmalens.platforms';
  return { ids: [...selected], choice: 'setting', targets, outsideTargets, why, standIn: false };
}
