/**
 * Builds the dependencies every command shares, from the one parsed configuration: the archive, the
 * source registry, the search engine (embedded or MEILI_URL) and a logger. No stage logic lives here.
 */
import { createRequire } from 'node:module';
import { Archive } from '../core/archive.ts';
import type { Config } from '../core/config.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { connectSearchEngine, type SearchEngine } from '../core/meilisearch.ts';
import { type IndexNames, indexNames } from '../core/search-index.ts';
import { loadSources, SourceRegistry } from '../core/sources.ts';

export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface Context {
  config: Config;
  logger: Logger;
  archive: Archive;
  sources: SourceRegistry;
  indexes: IndexNames;
}

export function createContext(config: Config): Context {
  return {
    config,
    logger: createLogger(config.logLevel),
    archive: new Archive(config.dataDir),
    sources: new SourceRegistry(loadSources(config.sourcesFile)),
    indexes: indexNames(config.indexPrefix),
  };
}

export function startEngine(ctx: Context): Promise<SearchEngine> {
  return connectSearchEngine({
    dataDir: ctx.config.dataDir,
    meiliUrl: ctx.config.meiliUrl,
    meiliMasterKey: ctx.config.meiliMasterKey,
    logger: ctx.logger,
  });
}
