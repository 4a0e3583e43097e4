// Listed first in a .mocharc.json's "require": Node's compile cache for the test run
// itself, as the servers the tests start already have (see processes.ts). Each run then
// reuses the code the last one compiled (the test files, the app, Koa, Playwright) and
// starts sooner. It changes nothing but the start-up time. The folder is Node's default
// (os.tmpdir()/node-compile-cache), or the one NODE_COMPILE_CACHE names.
import { enableCompileCache } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

enableCompileCache();

// That default folder, for the processes that the tests and the repository's tools start
// (as NODE_COMPILE_CACHE, under the environment's own): one cache for them all, a
// version of Node each. Read when this file loads, before a tool changes TMPDIR.
export const compileCache = { NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
