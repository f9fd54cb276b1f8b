// The facts of one target that decide a definition's value: the architecture (which arch/<arch>/include
// headers apply), the ABI's type sizes (LP64 or ILP32), the page size the profile simulates, and the state
// of each CONFIG_ symbol in that target's kernel: fixed on or off by the machine, or the user's choice
// (then each value is an alternative).

export type ConfigState = 'y' | 'n' | 'free';

export interface TargetMachine {
  srcarch: string;
  abi: 'LP64' | 'ILP32';
  bigEndian: boolean;
  pageShift: number;
  config(symbol: string): ConfigState;
  /** Equal for machines that give every definition the same value; memo key. */
  key: string;
}

export interface ScalarLayout {
  size: bigint;
  align: bigint;
}

/** Sizes and alignments of C's scalar types (the psABIs of x86-64, AArch64, PowerPC, MIPS64, s390x; ARM EABI, PowerPC32). */
export function scalarLayout(
  abi: TargetMachine['abi'],
  type: 'char' | 'short' | 'int' | 'long' | 'long long' | 'pointer' | 'bool' | 'float' | 'double',
): ScalarLayout {
  const long = abi === 'LP64' ? 8n : 4n;
  switch (type) {
    case 'char':
    case 'bool':
      return { size: 1n, align: 1n };
    case 'short':
      return { size: 2n, align: 2n };
    case 'int':
    case 'float':
      return { size: 4n, align: 4n };
    case 'long':
    case 'pointer':
      return { size: long, align: long };
    case 'long long':
    case 'double':
      return { size: 8n, align: 8n };
  }
}

/** A machine whose every CONFIG_ symbol is the user's choice: outside a kernel tree, or for a custom profile. */
export function genericMachine(
  srcarch: string,
  abi: TargetMachine['abi'],
  pageShift: number,
  bigEndian = false,
): TargetMachine {
  return {
    srcarch,
    abi,
    bigEndian,
    pageShift,
    config: (symbol) => (symbol === '64BIT' ? (abi === 'LP64' ? 'y' : 'n') : 'free'),
    key: JSON.stringify(['generic', srcarch, abi, pageShift, bigEndian]),
  };
}
