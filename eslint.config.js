// Layering is in the path, and this config refuses wrong-way imports (as VS Code does):
//   src/shared    pure TypeScript: no node, electron or DOM (DOM types are kept out by tsconfig.shared.json)
//   src/main/services, src/cli   plain Node: no electron, so they run under Node, in tests and in `serve`
//   src/renderer  browser code: no node, no electron; it reaches main only through window.api
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'url', 'zlib', 'stream', 'util', 'events', 'buffer'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'bench/**', 'test-results/**', 'playwright-report/**', 'resources/**', 'training/**/*.py'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'src/shared is pure TypeScript: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'src/shared must not import electron.' },
          { group: ['react', 'react-dom', 'react/*', 'cornerstone-core', 'dicom-parser'], message: 'src/shared must not import DOM or platform libraries.' },
        ],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src/main/services/**/*.ts', 'src/cli/**/*.ts', 'src/main/serve/**/*.ts', 'src/main/handlers.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['electron', 'electron/*'], message: 'Services, serve and the CLI are plain Node: no electron import.' }],
      }],
    },
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'The renderer is sandboxed: no Node built-ins.' },
          { group: ['electron', 'electron/*'], message: 'The renderer reaches main only through window.api.' },
          { group: ['**/main/**', '**/preload/**', '**/cli/**'], message: 'The renderer may import only src/shared and its own files.' },
        ],
      }],
    },
  },
);
