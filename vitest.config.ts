import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests never touch the user's real data folder (catalog, drafts, results): every test process, and every CLI
// or server it spawns, sees this run's temporary one unless a test sets its own.
const dataDir = mkdtempSync(join(tmpdir(), 'cardiosynth-test-data-'));

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { CARDIOSYNTH_DATA_DIR: dataDir },
  },
});
