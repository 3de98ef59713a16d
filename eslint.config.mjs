import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import moduleBoundaries from './tools/eslint/module-boundaries.mjs';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.nx/**',
      '.data/**',
      'bench/out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      // DI relies on decorator metadata: constructor parameter types are runtime values.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    plugins: { workspace: { rules: { 'module-boundaries': moduleBoundaries } } },
    rules: {
      'workspace/module-boundaries': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/dist/**', '**/src/**'],
              message: 'Import a package through its entry point.',
            },
          ],
          paths: [
            { name: 'crypto', message: 'Use node:crypto.' },
            { name: 'fs', message: 'Use node:fs.' },
            { name: 'http', message: 'Use node:http.' },
          ],
        },
      ],
    },
  },
  {
    // Another team's app: it consumes the packed library, outside the workspace's boundaries.
    files: ['examples/**/*.ts'],
    rules: { 'workspace/module-boundaries': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off', 'workspace/module-boundaries': 'off' },
  },
  {
    // The account page runs in the browser, not in Node.
    files: ['apps/web/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
