import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import importPlugin from 'eslint-plugin-import';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';

const dir = path.dirname(fileURLToPath(import.meta.url));

// Feature boundaries (as in bulletproof-react): a feature may use another
// feature only through that feature's public src/features/<x>/index.js;
// shared code (src/lib, src/components) never imports a feature or the app;
// src/app composes features (routes lazy-load their pages) and may import
// anything. The zones are built from the folders under src/features, so a
// new feature is covered without an edit.
const features = readdirSync(path.join(dir, 'src/features'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const featureZones = [
  ...features.map((name) => ({
    target: `./src/features/${name}`,
    from: './src/features',
    except: [`./${name}`, ...features.filter((o) => o !== name).map((o) => `./${o}/index.js`)],
    message: 'Import another feature through its index.js (its public API); move shared code to src/lib or src/components.',
  })),
  {
    target: './src/features',
    from: './src/app',
    message: 'Features do not import the app: the app composes features.',
  },
  {
    target: ['./src/lib', './src/components'],
    from: ['./src/features', './src/app'],
    message: 'Shared code does not depend on features or the app.',
  },
];

export default [
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  {
    files: ['**/*.{js,jsx}'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    plugins: { 'react-hooks': reactHooks, 'react-refresh': reactRefresh, import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.js', '.jsx'] } } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': 'off',
      'no-unused-vars': ['error', { varsIgnorePattern: '^[A-Z_]', argsIgnorePattern: '^_' }],
      'import/no-restricted-paths': ['error', { basePath: dir, zones: featureZones }],
    },
  },
  {
    files: ['*.config.js', 'src/**/*.test.{js,jsx}'],
    languageOptions: { globals: { ...globals.node } },
  },
];
