/**
 * A process that starts the embedded Meilisearch and waits, for the orphan tests: it prints
 * {"pid": <meilisearch pid>, "url": ...} once the server is healthy.
 */
import { connectSearchEngine } from '../../core/meilisearch.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: engine-child.ts <data dir>');
const engine = await connectSearchEngine({ dataDir });
process.stdout.write(`${JSON.stringify({ pid: engine.pid, url: engine.url })}\n`);
setInterval(() => undefined, 60_000);
