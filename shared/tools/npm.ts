import { spawn } from 'node:child_process';
import type { SpawnOptions } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// The repository's root folder, wherever the scripts are run from.
export const root = fileURLToPath(new URL('../..', import.meta.url));

// Runs npm the same way on every platform: through the npm that is running this script
// (npm sets npm_execpath), else the `npm` on PATH (a .cmd file on Windows, hence the shell).
export function npm(args: string[], options: SpawnOptions = {}) {
  const npmCli = process.env.npm_execpath;
  return npmCli && /\.[cm]?js$/.test(npmCli)
    ? spawn(process.execPath, [npmCli, ...args], options)
    : spawn('npm', args, { shell: process.platform === 'win32', ...options });
}

// Every step folder's name, in course order: 01-view_classes, 02-sessions, ...
export async function stepDirs(): Promise<string[]> {
  const entries = await readdir(`${root}/steps`, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}
