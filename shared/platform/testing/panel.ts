// The state inspector's panel, read back from a page's HTML for the tests: its rows as
// [what, value, where, who, lasts], with the escaping undone, and its closing line.
const unescape = (html: string) =>
  html
    .replace(/<\/?code>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

export const hasPanel = (html: string) => html.includes('<details class="state-inspector"');

export function panelRows(html: string): string[][] {
  return [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) => unescape(cell)),
  );
}

// The panel's row for `what`, as a record; undefined when the page has none.
export function panelRow(html: string, what: string) {
  const row = panelRows(html).find(([name]) => name === what);
  return row && { what: row[0], value: row[1], where: row[2], who: row[3], lasts: row[4] };
}

export const servedByLine = (html: string) => /<p>Served by (.*?)\.<\/p>/.exec(html)?.[1];
