// Small Markdown helpers for the course site, for Markdown as the course writes it: ATX
// headings (`## Title`), fenced code blocks (``` or ~~~, possibly indented in a list),
// inline links and images `[text](target)`. Nothing inside a code block or a code span
// is ever read as a heading or a link.

// The id GitHub gives a heading (github-slugger): lower case, punctuation dropped, each
// space a hyphen. The site uses the same ids, so `README.md#some-heading` links written
// for the code host work on the site too.
export function githubSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

// Unique ids in one document, as GitHub and markdown-it-anchor make them: the second
// "Notes" is notes-1, the third notes-2.
export function slugger(): (text: string) => string {
  const seen = new Set<string>();
  return (text) => {
    const base = githubSlug(text);
    let slug = base;
    for (let n = 1; seen.has(slug); n++) slug = `${base}-${n}`;
    seen.add(slug);
    return slug;
  };
}

// A heading's text as a reader sees it: code spans without their backticks, links
// without their targets, no emphasis marks.
export function plainText(inline: string): string {
  return inline
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(`+)(.*?)\1/g, '$2')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1')
    .trim();
}

const fenceOpen = /^([ \t]*)(`{3,}|~{3,})/;

// Calls `each(line, index, inCode)` for every line, inCode true for a line that is part
// of a fenced code block (its fences included).
export function scanLines(
  markdown: string,
  each: (line: string, index: number, inCode: boolean) => void,
): void {
  let fence: string | undefined;
  markdown.split('\n').forEach((line, index) => {
    const open = fenceOpen.exec(line);
    if (fence) {
      each(line, index, true);
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line)?.[1];
      if (close && close[0] === fence[0] && close.length >= fence.length) fence = undefined;
    } else if (open) {
      fence = open[2];
      each(line, index, true);
    } else each(line, index, false);
  });
}

export type Heading = { level: number; raw: string; text: string; slug: string; line: number };

// Every heading outside code, with the id GitHub would give it.
export function headings(markdown: string): Heading[] {
  const slug = slugger();
  const found: Heading[] = [];
  scanLines(markdown, (line, index, inCode) => {
    const match = inCode ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (match) {
      const text = plainText(match[2]);
      found.push({
        level: match[1].length,
        raw: match[2],
        text,
        slug: slug(text),
        line: index,
      });
    }
  });
  return found;
}

export type Section = { heading?: Heading; body: string; text: string };

// The document cut at each heading of `level`: what comes before the first one (no
// heading), then each heading with what follows it, down to the next heading of that
// level. `text` is the section with its heading line, `body` without.
export function sections(markdown: string, level: number): Section[] {
  const lines = markdown.split('\n');
  const cuts = headings(markdown).filter((heading) => heading.level === level);
  const result: Section[] = [];
  const first = cuts[0]?.line ?? lines.length;
  result.push({
    body: lines.slice(0, first).join('\n'),
    text: lines.slice(0, first).join('\n'),
  });
  cuts.forEach((heading, i) => {
    const end = cuts[i + 1]?.line ?? lines.length;
    result.push({
      heading,
      body: lines.slice(heading.line + 1, end).join('\n'),
      text: lines.slice(heading.line, end).join('\n'),
    });
  });
  return result;
}

// The section under the heading whose id is `slug`, down to the next heading of the
// same or a higher level; undefined if there is none.
export function sectionBySlug(markdown: string, slug: string): Section | undefined {
  const all = headings(markdown);
  const heading = all.find((h) => h.slug === slug);
  if (!heading) return undefined;
  const lines = markdown.split('\n');
  const end = all.find((h) => h.line > heading.line && h.level <= heading.level)?.line;
  return {
    heading,
    body: lines.slice(heading.line + 1, end).join('\n'),
    text: lines.slice(heading.line, end).join('\n'),
  };
}

// Applies `change` to each line outside code blocks, with code spans kept out of reach:
// `change` sees them as placeholders and they are put back afterwards.
export function mapProse(markdown: string, change: (line: string) => string): string {
  const lines: string[] = [];
  scanLines(markdown, (line, _index, inCode) => {
    if (inCode) return void lines.push(line);
    const spans: string[] = [];
    const masked = line.replace(/(`+)(?:.*?[^`])?\1(?!`)/g, (span) => {
      spans.push(span);
      return `\uE000${spans.length - 1}\uE000`;
    });
    lines.push(
      change(masked).replace(/\uE000(\d+)\uE000/g, (_whole, index: string) => spans[+index]),
    );
  });
  return lines.join('\n');
}

// Rewrites the target of every inline link and image outside code: `change(target,
// isImage)` returns the new target (a target with a title keeps its title).
export function mapTargets(
  markdown: string,
  change: (target: string, isImage: boolean) => string,
): string {
  return mapProse(markdown, (line) =>
    line.replace(
      /(!?)\[((?:[^\][]|\[[^\]]*\])*)\]\(([^)\s]+)((?:\s+"[^"]*")?)\)/g,
      (_whole, bang: string, text: string, target: string, title: string) =>
        `${bang}[${text}](${change(target, bang === '!')}${title})`,
    ),
  );
}

// Every inline link target outside code (not images).
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  mapTargets(markdown, (target, isImage) => {
    if (!isImage) targets.push(target);
    return target;
  });
  return targets;
}

// Moves every heading outside code by `by` levels (-1: `###` becomes `##`), within 1-6.
export function shiftHeadings(markdown: string, by: number): string {
  const lines: string[] = [];
  scanLines(markdown, (line, _index, inCode) => {
    const match = inCode ? null : /^(#{1,6})(\s.*)$/.exec(line);
    lines.push(
      match ? '#'.repeat(Math.min(6, Math.max(1, match[1].length + by))) + match[2] : line,
    );
  });
  return lines.join('\n');
}

// Removes `width` leading spaces from each line that has them (a list item's body).
export function dedent(text: string, width: number): string {
  const prefix = new RegExp(`^ {1,${width}}`);
  return text
    .split('\n')
    .map((line) => line.replace(prefix, ''))
    .join('\n');
}

// The items of a top-level ordered list (`1. text` with its indented continuation), each
// without its marker and dedented; anything that is not part of an item is ignored.
export function orderedItems(markdown: string): { number: number; body: string }[] {
  const items: { number: number; lines: string[] }[] = [];
  let current: { number: number; lines: string[] } | undefined;
  scanLines(markdown, (line, _index, inCode) => {
    const start = inCode ? null : /^(\d+)\. (.*)$/.exec(line);
    if (start) {
      current = { number: Number(start[1]), lines: [start[2]] };
      items.push(current);
    } else if (current && (inCode || line.trim() === '' || /^\s/.test(line))) {
      current.lines.push(line);
    } else current = undefined;
  });
  return items.map(({ number, lines }) => ({
    number,
    body: dedent(lines.join('\n'), 3).replace(/\s+$/, ''),
  }));
}

// A fence for `code` that no line of it can close: one backtick longer than its longest run.
export function fenceFor(code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}
