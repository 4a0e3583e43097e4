// A markdown-it plugin for the course site: the comments that mark a lesson's copied
// code and a guide's checked terminal output (shared/tools/includes.ts and
// transcripts.ts read them) stay comments, and the site also shows what they say
// above their block:
//   <!-- include: src/app.ts#routes -->                  From src/app.ts
//   <!-- output: steps/02-sessions, beside npm start -->  In steps/02-sessions, with npm start running
import type { MarkdownRenderer } from 'vitepress';

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const code = (text: string) => `<code>${escape(text)}</code>`;

export function caption(comment: string): string | undefined {
  const include = /^\s*<!-- include: (\S+?)(?:#\S+)? -->\s*$/.exec(comment);
  if (include) return `From ${code(include[1])}`;
  const output = /^\s*<!-- output: ([^,]+?)(?:, (.+?))? -->\s*$/.exec(comment);
  if (!output) return undefined;
  const [, folder, condition] = output;
  const beside = condition && /^beside (.+)$/.exec(condition)?.[1];
  const servers = beside ? beside.split(' and ').map(code).join(' and ') : undefined;
  const when = servers
    ? `, with ${servers} running`
    : condition
      ? `, ${escape(condition)}`
      : '';
  return `In ${code(folder)}${when}`;
}

export function blockCaptions(md: MarkdownRenderer): void {
  const render = md.renderer.rules.html_block!;
  md.renderer.rules.html_block = (tokens, index, options, env, self) => {
    const text = caption(tokens[index].content);
    const html = render(tokens, index, options, env, self);
    return text ? `<p class="block-source">${text}</p>\n${html}` : html;
  };
}
