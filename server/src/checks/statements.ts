// Statement boundaries in masked code (comments and literals blanked), shared by the rules that read the
// statement around a call.

/**
 * Just after the `;`, `{` or `}` before the offset: where its statement starts. Walked back character by
 * character, so a statement costs its own length; `lastIndexOf('{')` would reach back to the function's
 * brace in a body without blocks, once per call, which is quadratic in a long function.
 */
export function statementStart(code: string, offset: number): number {
  let index = offset - 1;
  while (index >= 0 && code[index] !== ';' && code[index] !== '{' && code[index] !== '}') index--;
  return index + 1;
}
