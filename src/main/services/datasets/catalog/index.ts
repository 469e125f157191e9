/** The persistent study catalog (see catalog.ts). */
export { Catalog, CATALOG_FILE, IMPORT_JOB_KIND, catalogPath } from './catalog.ts';
export { CatalogStore, IMPORTER_VERSION } from './catalog-store.ts';
export { importIntoCatalog, classifyIssues } from './catalog-import.ts';
export type { CatalogImportOptions } from './catalog-import.ts';
export { StudyMedia } from './study-media.ts';
export { queryStudies, whereClause } from './catalog-query.ts';
export { CATALOG_MIGRATIONS, CATALOG_COMPONENT } from './schema.ts';
