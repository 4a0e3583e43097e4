// Reads a knowledge check, docs/checks/NN-name.md:
//
//   # Knowledge check: step 02, sessions
//
//   Intro paragraph (may contain links).
//
//   ## Question text ending in a question mark?
//
//   - [ ] option text (one line, inline Markdown)
//     explanation, indented two spaces, one or more lines, no blank line inside
//   - [x] the right option (exactly one [x] per question)
//     explanation
//
// and writes it as the site's page: each question a heading, then a
// <KnowledgeQuestion> (docs/.vitepress/theme/) whose slots hold the options and the
// explanations, rendered from their Markdown.

export type Option = { text: string; explanation: string; correct: boolean };
export type Question = { question: string; options: Option[] };
export type Check = { title: string; intro: string; questions: Question[] };

// Throws an Error naming the file and line of the first thing that breaks the format.
export function parseCheck(markdown: string, file = 'check'): Check {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const fail = (index: number, why: string): never => {
    throw new Error(`${file}:${index + 1}: ${why}`);
  };
  let title = '';
  const intro: string[] = [];
  const questions: (Question & { line: number })[] = [];
  let option: Option | undefined;

  lines.forEach((line, index) => {
    const question = questions.at(-1);
    if (/^# /.test(line)) {
      if (title || questions.length) fail(index, 'a second `# ` title');
      title = line.slice(2).trim();
    } else if (/^## /.test(line)) {
      const text = line.slice(3).trim();
      if (!text.endsWith('?')) fail(index, 'a question should end with a question mark');
      questions.push({ question: text, options: [], line: index });
      option = undefined;
    } else if (/^#{3,} /.test(line)) {
      fail(index, 'only `# ` (the title) and `## ` (a question) headings are expected');
    } else if (!question) {
      if (!title && line.trim()) fail(index, 'the file should start with a `# ` title');
      intro.push(line);
    } else if (/^- \[[ xX]\] /.test(line)) {
      option = { text: line.slice(6).trim(), explanation: '', correct: line[3] !== ' ' };
      if (!option.text) fail(index, 'an option without text');
      question.options.push(option);
    } else if (/^ {2}\S/.test(line)) {
      if (!option) fail(index, 'an explanation before any option');
      option!.explanation += (option!.explanation ? '\n' : '') + line.slice(2);
    } else if (line.trim() === '') {
      if (option && !option.explanation) fail(index, 'an option without an explanation');
      option = undefined;
    } else {
      fail(
        index,
        'expected an option (`- [ ] ` or `- [x] `) or its explanation (indented two spaces)',
      );
    }
  });

  if (!title) fail(0, 'no `# ` title');
  if (!questions.length) fail(lines.length - 1, 'no questions (`## ` headings)');
  for (const { question, options, line } of questions) {
    if (options.length < 2) fail(line, `"${question}" has fewer than two options`);
    const right = options.filter((o) => o.correct).length;
    if (right !== 1)
      fail(line, `"${question}" has ${right} options marked [x]; exactly one is right`);
    const empty = options.find((o) => !o.explanation);
    if (empty) fail(line, `"${question}": the option "${empty.text}" has no explanation`);
  }
  return {
    title,
    intro: intro.join('\n').trim(),
    questions: questions.map(({ question, options }) => ({ question, options })),
  };
}

// The page's Markdown. Each option and explanation goes in a slot of its own, between
// blank lines, so that VitePress renders its Markdown (code, links) as usual.
export function checkPage(check: Check): string {
  const out = [`# ${check.title}`, '', check.intro, ''];
  check.questions.forEach(({ question, options }, q) => {
    const answer = options.findIndex((o) => o.correct) + 1;
    out.push(`## ${question}`, '');
    out.push(
      `<KnowledgeQuestion :number="${q + 1}" :options="${options.length}" :answer="${answer}">`,
    );
    options.forEach(({ text, explanation }, i) => {
      out.push(`<template #option-${i + 1}>`, '', text, '', '</template>');
      out.push(`<template #explain-${i + 1}>`, '', explanation, '', '</template>');
    });
    out.push('</KnowledgeQuestion>', '');
  });
  return out.join('\n');
}
