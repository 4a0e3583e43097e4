// Listed first in a .mocharc.json's "require": Node's compile cache for the test run
// itself, as the servers the tests start already have (see processes.ts). Each run then
// reuses the code the last one compiled (the test files, the app, Koa, Playwright) and
// starts sooner. It changes nothing but the start-up time. The folder is Node's default
// (os.tmpdir()/node-compile-cache), or the one NODE_COMPILE_CACHE names.
import { enableCompileCache } from 'node:module';

enableCompileCache();
