// What resolving a device tree found wrong, with where: the build would fail (error) or the kernel would
// degrade silently (warning). Every problem points at source the user wrote.
import type { Origin } from './origin-map';

export interface DtProblem {
  severity: 'error' | 'warning';
  message: string;
  /** Null only when the problem concerns the file as a whole and no position is known. */
  origin: Origin | null;
}

export class ProblemList {
  readonly items: DtProblem[] = [];
  /** Enough to show every real mistake; a pathological file does not fill memory with repeats. */
  private static readonly LIMIT = 500;

  error(message: string, origin: Origin | null): void {
    this.add({ severity: 'error', message, origin });
  }

  warning(message: string, origin: Origin | null): void {
    this.add({ severity: 'warning', message, origin });
  }

  add(problem: DtProblem): void {
    if (this.items.length < ProblemList.LIMIT) this.items.push(problem);
  }

  get hasErrors(): boolean {
    return this.items.some((problem) => problem.severity === 'error');
  }
}
