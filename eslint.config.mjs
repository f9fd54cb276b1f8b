// Lint rules for the TypeScript of core, server, client, tests and scripts. The recommended sets catch
// real mistakes; formatting is Prettier's job, so no stylistic rule is enabled here.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', 'out/', 'client/docs/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON documents of any shape from the CLI and the server; typing every one would add
    // nothing a failing assertion does not already say.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['client/src/pipeline/page/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
