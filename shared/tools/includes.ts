// Keeps the code in the Markdown lessons identical to the real files.
//
//   <!-- include: src/app.ts#routes -->       path relative to the .md file; #region optional
//   ```ts
//   ...filled in from the file...
//   ```
//   <!-- /include -->
//
// A region is the lines between `// #region routes` and `// #endregion routes` (or the
// same words in an HTML or eta comment).
//
// A number in the prose can come from the code the same way:
//   at most <!-- value: src/cart.ts#MAX_ITEMS -->20<!-- /value --> items
// shows the value of `export const MAX_ITEMS = 20;` in that file.
//
// `npm run docs:check` fails when an include or a value points at nothing or its copy is
// out of date, and when a relative link points at no file; `npm run docs:write`
// refreshes every copy.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { root } from './npm.ts';

const write = process.argv.includes('--write');
// An include may be indented (inside a list item): its fence and closing comment share the indent.
const include =
  /^([ \t]*)<!-- include: (\S+?) -->\n\1```(\w*)\n([\s\S]*?)\1```\n\1<!-- \/include -->/gm;
const regionMark = /#(end)?region\b/;
const valueInclude = /<!-- value: (\S+?)#(\w+) -->(.*?)<!-- \/value -->/g;

// The value of `export const NAME = value;` in a file's text: a number or a string literal.
export function constantIn(text: string, name: string): string | undefined {
  const literal = new RegExp(`^export const ${name}(?::[^=]+)? = ([^;\n]+);`, 'm').exec(
    text,
  )?.[1];
  return literal?.replace(/^(['"])(.*)\1$/, '$2').replaceAll('_', '');
}

export function extract(text: string, region?: string): string | undefined {
  const lines = text.split('\n');
  if (!region) return lines.filter((line) => !regionMark.test(line)).join('\n');
  const start = lines.findIndex((line) => new RegExp(`#region ${region}\\b`).test(line));
  const end = lines.findIndex((line) => new RegExp(`#endregion ${region}\\b`).test(line));
  if (start < 0 || end < start) return undefined;
  const body = lines.slice(start + 1, end).filter((line) => !regionMark.test(line));
  while (body.length && !body.at(-1)!.trim()) body.pop(); // no blank line before #endregion
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return body.map((line) => line.slice(indent)).join('\n') + '\n';
}

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => (e.isDirectory() ? markdownFiles(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat().filter((file) => file.endsWith('.md'));
}

const problems: string[] = [];
for (const file of await markdownFiles(root)) {
  const name = relative(root, file);
  const text = readFileSync(file, 'utf8').replace(/\r\n/g, '\n'); // as checked out on Windows
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;

  const updated = text.replace(
    include,
    (block, indent: string, target: string, lang: string, old: string, at: number) => {
      const [path, region] = target.split('#');
      const source = resolve(dirname(file), path);
      const code = existsSync(source)
        ? extract(readFileSync(source, 'utf8').replace(/\r\n/g, '\n'), region)
        : undefined;
      if (code === undefined) {
        problems.push(`${name}:${lineOf(at)}: include ${target} points at nothing`);
        return block;
      }
      const copy = code.replace(/^(?=.)/gm, indent);
      if (copy !== old && !write)
        problems.push(`${name}:${lineOf(at)}: include ${target} is out of date`);
      return `${indent}<!-- include: ${target} -->\n${indent}\`\`\`${lang}\n${copy}${indent}\`\`\`\n${indent}<!-- /include -->`;
    },
  );
  const withValues = updated.replace(
    valueInclude,
    (whole, path: string, constant: string, old: string, at: number) => {
      const source = resolve(dirname(file), path);
      const value = existsSync(source)
        ? constantIn(readFileSync(source, 'utf8'), constant)
        : undefined;
      const where = `${name}:${updated.slice(0, at).split('\n').length}: value ${path}#${constant}`;
      if (value === undefined) problems.push(`${where} points at nothing`);
      else if (value !== old && !write) problems.push(`${where} is out of date`);
      return value === undefined
        ? whole
        : `<!-- value: ${path}#${constant} -->${value}<!-- /value -->`;
    },
  );
  if (write && withValues !== text) writeFileSync(file, withValues);

  const opened = text.match(/^[ \t]*<!-- include: /gm)?.length ?? 0;
  const complete = text.match(include)?.length ?? 0;
  if (opened !== complete)
    problems.push(`${name}: an include is not followed by a code block and <!-- /include -->`);

  // Relative links ([text](path) and [text](path#anchor)) must point at a file or folder.
  for (const link of text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
    const target = link[1];
    if (/^[a-z]+:/i.test(target)) continue;
    if (!existsSync(resolve(dirname(file), target))) {
      problems.push(`${name}:${lineOf(link.index)}: link to ${target} points at nothing`);
    }
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(
    `\n${problems.length} problem(s). Out-of-date copies: run \`npm run docs:write\`.`,
  );
  process.exitCode = 1;
} else {
  console.log(
    write ? 'docs: every include refreshed' : 'docs: every include and link is current',
  );
}
