import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { mangleClasses } from './scripts/mangle-classes.js';

const dir = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('webpack').Configuration} */
export default (env, argv) => {
  const prod = argv.mode !== 'development';
  return {
    mode: prod ? 'production' : 'development',
    entry: './src/index.js',
    target: ['web', 'es2019'],
    devtool: prod ? false : 'cheap-source-map',
    output: {
      path: path.join(dir, 'dist'),
      filename: 'widget.js',
      iife: true, // no globals but window.ChatDesk
      clean: true,
      chunkLoading: false,
      publicPath: '',
    },
    resolve: {
      extensions: ['.js', '.jsx'],
      // Components import hooks from 'react': preact/hooks on preact core.
      // No preact/compat (≈ 2 KB gzipped): so no forwardRef (pass refs as
      // props), onChange is the native change event (text fields use
      // onInput) and SVG attributes keep their real names (stroke-width).
      alias: {
        react$: 'preact/hooks',
        'react/jsx-runtime': 'preact/jsx-runtime',
      },
    },
    module: {
      rules: [
        {
          test: /\.jsx?$/,
          exclude: /node_modules/,
          loader: 'esbuild-loader',
          options: { loader: 'jsx', target: 'es2019', jsx: 'automatic', jsxImportSource: 'preact' },
        },
        {
          // Tailwind → one minified CSS string, injected into the shadow root.
          test: /\.css$/,
          type: 'asset/source',
          use: ['postcss-loader'],
        },
      ],
    },
    optimization: {
      splitChunks: false,
      runtimeChunk: false,
      // webpack's own minimizer (terser): 1.8 KB gzipped smaller than
      // esbuild's on this bundle.
      minimize: prod,
      // A third pass: 30 bytes gzipped.
      minimizeOptions: { javascript: { compress: { passes: 3 } } },
    },
    plugins: [
      {
        // The English strings are not in the bundle: only an English widget
        // downloads them, as widget.en.json beside widget.js.
        apply(compiler) {
          compiler.hooks.thisCompilation.tap('chatdesk-strings', (compilation) => {
            compilation.hooks.processAssets.tap({ name: 'chatdesk-strings', stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
              const file = path.join(dir, 'src', 'i18n', 'en.json');
              compilation.fileDependencies.add(file);
              const json = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')));
              compilation.emitAsset('widget.en.json', new compiler.webpack.sources.RawSource(json));
            });
          });
        },
      },
      {
        // Short class names, after terser (scripts/mangle-classes.js).
        apply(compiler) {
          if (!prod) return;
          compiler.hooks.thisCompilation.tap('chatdesk-classes', (compilation) => {
            const stage = compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_OPTIMIZE_SIZE + 1;
            compilation.hooks.processAssets.tap({ name: 'chatdesk-classes', stage }, () => {
              const { code, loose } = mangleClasses(compilation.getAsset('widget.js').source.source().toString());
              if (loose.length) compilation.errors.push(new compiler.webpack.WebpackError(`mangle-classes: lone class names outside a className: ${loose.join(', ')}`));
              compilation.updateAsset('widget.js', new compiler.webpack.sources.RawSource(code));
            });
          });
        },
      },
    ],
    performance: { hints: false },
    stats: 'errors-warnings',
  };
};
