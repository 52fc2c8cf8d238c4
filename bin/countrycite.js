#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step between a change and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main();
