import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './web/svelte.config.js';

export default ts.config(
  { ignores: ['node_modules/', 'web/build/', 'web/.svelte-kit/', 'db/migrations/', 'artifacts/', 'data/', '.tmp/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // Unused names are an error, but `_name` says "deliberately unused".
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Tests and the fuzzer hold arbitrary JSON answers; the contracts type everything else.
      '@typescript-eslint/no-explicit-any': 'off',
      // The app is served at the root of its origin (no base path), so links need no resolve().
      'svelte/no-navigation-without-resolve': 'off',
      // Maps, Sets and URLSearchParams built inside functions and event handlers are scratch values,
      // not state; state lives in $state fields of rune classes, which the rule cannot tell apart.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.svelte', 'web/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'], svelteConfig } },
  },
);
