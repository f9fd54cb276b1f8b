// The preprocessor shared by C and device trees: tokens, macro definitions, their expansion, and integer
// evaluation (cpp's #if rules and dtc's uint64_t cell expressions). Pure functions over text and tokens; the
// include walk and the conditional stack belong to the callers, which know their files.
export { tokenize, charLiteralValue, type PpToken, type PpTokenKind } from './tokens';
export { MacroTable, parseDefinition, type Macro } from './macro-table';
export { expandAt, expandAll, type ExpandResult, type ExpandToken } from './expand';
export { evaluateTokens, integerValue, type Evaluation, type Flavour } from './evaluate';
export { evaluateCondition } from './condition';
export { evaluateC, splitArguments, spell, type CEvaluation, type CEvaluationHooks } from './c-evaluate';
