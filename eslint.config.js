// ESLint for every step and the shared tooling; Prettier owns the formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/coverage/',
      '**/.stryker-tmp/', // `npm run mutate`
      'docs/.vitepress/cache/', // the course site's build (`npm run docs:build`)
      'docs/.vitepress/dist/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error', // `import type` for types
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  { files: ['**/test/**'], languageOptions: { globals: globals.mocha } },
);
