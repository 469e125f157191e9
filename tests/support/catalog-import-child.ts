/**
 * Runs one catalog import in its own process, for the crash-safety test (which kills it mid-import) and the
 * import benchmark (which measures its time and peak RSS). Prints the summary as JSON on stdout.
 * Usage: node catalog-import-child.ts DATA_DIR DATASET_DIR [BATCH_SIZE]
 */
import { Catalog } from '../../src/main/services/datasets/catalog/index.ts';

const [dataDir, dir, batch] = process.argv.slice(2);
const catalog = new Catalog(dataDir);
const t0 = performance.now();
const summary = await catalog.importFolder(dir, batch ? { batchSize: Number(batch) } : {});
const seconds = (performance.now() - t0) / 1000;
catalog.close();
process.stdout.write(JSON.stringify({ summary, seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
