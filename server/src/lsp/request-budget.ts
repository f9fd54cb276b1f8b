// Requests that walk every call site of a document (inlay hints, code lenses) stop at a time budget and
// answer with what they have: an editor asks again on the next edit or scroll, and part of the answer now
// is worth more than all of it after the user has moved on. DMALENS_REQUEST_BUDGET_MS lowers or raises the
// budget, to reproduce what a slower machine would do.

const REQUEST_BUDGET_MS = budgetFromEnvironment() ?? 500;

function budgetFromEnvironment(): number | null {
  const value = Number(process.env['DMALENS_REQUEST_BUDGET_MS']);
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** A test that turns true once the request's budget is spent. */
export function requestDeadline(): () => boolean {
  const end = performance.now() + REQUEST_BUDGET_MS;
  return () => performance.now() > end;
}
