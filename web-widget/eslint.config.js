import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import importPlugin from 'eslint-plugin-import';
import react from 'eslint-plugin-react';
import reactHooks from 'eslint-plugin-react-hooks';

const dir = path.dirname(fileURLToPath(import.meta.url));

// Feature boundaries (as in bulletproof-react): a feature may use another
// feature only through that feature's public src/features/<x>/index.js;
// shared code (src/lib, src/ui) never imports a feature or the app; src/app
// composes features and may import anything. The zones are built from the
// folders under src/features, so a new feature is covered without an edit.
const features = readdirSync(path.join(dir, 'src/features'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const featureZones = [
  ...features.map((name) => ({
    target: `./src/features/${name}`,
    from: './src/features',
    except: [`./${name}`, ...features.filter((o) => o !== name).map((o) => `./${o}/index.js`)],
    message: 'Import another feature through its index.js (its public API); move shared code to src/lib or src/ui.',
  })),
  {
    target: './src/features',
    from: './src/app',
    message: 'Features do not import the app: the app composes features.',
  },
  {
    target: ['./src/lib', './src/ui'],
    from: ['./src/features', './src/app'],
    message: 'Shared code does not depend on features or the app.',
  },
];

export default [
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  {
    files: ['src/**/*.{js,jsx}'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser },
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    plugins: { react, 'react-hooks': reactHooks, import: importPlugin },
    settings: {
      react: { version: '18.3' },
      'import/resolver': { node: { extensions: ['.js', '.jsx'] } },
    },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs['jsx-runtime'].rules,
      ...reactHooks.configs.recommended.rules,
      'react/prop-types': 'off',
      'react/no-unknown-property': 'off', // preact attributes
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import/no-restricted-paths': ['error', { basePath: dir, zones: featureZones }],
    },
  },
  {
    files: ['test/**/*.js', 'scripts/**/*.js', '*.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
];
