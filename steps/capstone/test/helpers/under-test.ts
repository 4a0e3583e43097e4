// The code the tests run: src/ (`npm test`), or with CAPSTONE_SRC=solution (`npm run
// test:solution`) the reference solution. solution/ holds only the files the solution
// changes, so a file it does not have is taken from src/, as its own imports do.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as App from '../../src/app.ts';
import type * as Config from '../../src/config.ts';
import type * as Db from '../../src/db.ts';
import type * as Lists from '../../src/popular-today.ts';

const choice = process.env.CAPSTONE_SRC ?? 'src';
if (choice !== 'src' && choice !== 'solution') {
  throw new Error(`CAPSTONE_SRC must be "src" or "solution", not ${JSON.stringify(choice)}`);
}
export const UNDER_TEST = choice;

// The step's folder, where its servers run.
export const stepDir = fileURLToPath(new URL('../..', import.meta.url));

// `file` (such as 'server.ts') as the code under test has it, relative to the step's folder.
export function codeFile(file: string) {
  const chosen = `${UNDER_TEST}/${file}`;
  return existsSync(`${stepDir}/${chosen}`) ? chosen : `src/${file}`;
}

const load = (file: string) => import(pathToFileURL(`${stepDir}/${codeFile(file)}`).href);

// The modules the in-process tests use, typed as src/'s: the solution keeps their shape.
export const { createApp } = (await load('app.ts')) as typeof App;
export const { openDatabase } = (await load('db.ts')) as typeof Db;
export const { popularToday } = (await load('popular-today.ts')) as typeof Lists;
export const { loadConfig } = (await load('config.ts')) as typeof Config;
