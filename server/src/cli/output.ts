// Writing to the standard streams. Exit codes are set through process.exitCode so that pending output
// to a pipe is flushed before node exits.
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printError(text: string): void {
  process.stderr.write(`dmalens: ${text}\n`);
}
