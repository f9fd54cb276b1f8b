// The one call from the device-tree side into integer evaluation: a parenthesised cell expression, after
// macro expansion, evaluated as dtc does (uint64_t arithmetic, scripts/dtc/dtc-parser.y).
import { evaluateTokens, tokenize, type Evaluation } from '../preprocessor';

export function evaluateCellExpression(text: string): Evaluation {
  return evaluateTokens(tokenize(text), 'dtc');
}
