// ESLint (flat config): typescript-eslint's recommended rules over the app, the panel, the
// seed scripts and the tests. Formatting is Prettier's job (npm run format:check).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.adminjs/', 'coverage/', 'test/bench/results/', 'test/e2e/screenshots/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused names fail the build; a leading underscore marks a deliberately ignored one.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['admin/components/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
