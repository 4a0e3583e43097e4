import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { root } from '../../npm.ts';
import { checkPage, parseCheck } from '../checks.ts';

// A knowledge check as docs/checks/ writes them, with its lines numbered from 1.
const lines = (...text: string[]) => text.join('\n');
const good = lines(
  '# Knowledge check: step 02, sessions', //           1
  '', //                                                2
  'These questions follow [the lesson](../README.md).', // 3
  '', //                                                4
  '## Where does the count live?', //                  5
  '', //                                                6
  '- [ ] In a module variable.', //                    7
  '  Shared by every visitor.', //                     8
  '- [x] In the `session` cookie.', //                 9
  '  The browser sends it back', //                   10
  '  with every request.', //                         11
  '- [ ] In `ctx.state`.', //                         12
  '  It lasts one request.', //                       13
  '', //                                               14
  '## Is a signed cookie secret?', //                 15
  '', //                                               16
  '- [X] No.', //                                     17
  '  Signing is not encrypting.', //                  18
  '- [ ] Yes.', //                                    19
  '  Anyone can decode it.', //                       20
  '', // (the final newline)
);

// The error parseCheck throws, or a failure if it throws none.
function refusal(markdown: string, file = 'docs/checks/02-sessions.md'): string {
  try {
    parseCheck(markdown, file);
  } catch (error) {
    return (error as Error).message;
  }
  expect.fail('parseCheck accepted a file it should refuse');
}

describe('parseCheck', () => {
  it('reads the title, the intro and each question with its options', () => {
    const check = parseCheck(good, 'good.md');
    expect(check.title).to.equal('Knowledge check: step 02, sessions');
    expect(check.intro).to.equal('These questions follow [the lesson](../README.md).');
    expect(check.questions).to.deep.equal([
      {
        question: 'Where does the count live?',
        options: [
          {
            text: 'In a module variable.',
            explanation: 'Shared by every visitor.',
            correct: false,
          },
          {
            text: 'In the `session` cookie.',
            explanation: 'The browser sends it back\nwith every request.',
            correct: true,
          },
          { text: 'In `ctx.state`.', explanation: 'It lasts one request.', correct: false },
        ],
      },
      {
        question: 'Is a signed cookie secret?',
        options: [
          { text: 'No.', explanation: 'Signing is not encrypting.', correct: true },
          { text: 'Yes.', explanation: 'Anyone can decode it.', correct: false },
        ],
      },
    ]);
  });

  it('reads Windows line endings as well', () => {
    expect(parseCheck(good.replace(/\n/g, '\r\n'))).to.deep.equal(parseCheck(good));
  });

  it('accepts a file without a final newline', () => {
    expect(parseCheck(good.trimEnd()).questions).to.have.length(2);
  });

  it('refuses a question with no option marked [x], naming the file and its line', () => {
    const none = good.replace('- [X] No.', '- [ ] No.');
    expect(refusal(none)).to.equal(
      'docs/checks/02-sessions.md:15: "Is a signed cookie secret?" has 0 options marked [x]; exactly one is right',
    );
  });

  it('refuses a question with two options marked [x], naming the file and its line', () => {
    const two = good.replace('- [ ] In a module variable.', '- [x] In a module variable.');
    expect(refusal(two)).to.equal(
      'docs/checks/02-sessions.md:5: "Where does the count live?" has 2 options marked [x]; exactly one is right',
    );
  });

  it('refuses a question that does not end with a question mark', () => {
    const statement = good.replace(
      '## Is a signed cookie secret?',
      '## A signed cookie is secret',
    );
    expect(refusal(statement)).to.equal(
      'docs/checks/02-sessions.md:15: a question should end with a question mark',
    );
  });

  it('refuses an option without an explanation before a blank line, at that line', () => {
    const bare = good.replace('  It lasts one request.\n', '');
    expect(refusal(bare)).to.equal(
      'docs/checks/02-sessions.md:13: an option without an explanation',
    );
  });

  it('refuses an option without an explanation followed by another option', () => {
    const bare = good.replace('  Shared by every visitor.\n', '');
    expect(refusal(bare)).to.equal(
      'docs/checks/02-sessions.md:5: "Where does the count live?": the option "In a module variable." has no explanation',
    );
  });

  it('refuses a last option without an explanation at the end of the file', () => {
    const bare = good.replace(/\n {2}Anyone can decode it\.\n$/, '');
    expect(refusal(bare)).to.equal(
      'docs/checks/02-sessions.md:15: "Is a signed cookie secret?": the option "Yes." has no explanation',
    );
  });

  it('refuses a question with one option', () => {
    const one = good.replace('- [ ] Yes.\n  Anyone can decode it.\n', '');
    expect(refusal(one)).to.equal(
      'docs/checks/02-sessions.md:15: "Is a signed cookie secret?" has fewer than two options',
    );
  });

  it('refuses an option without text', () => {
    expect(refusal(good.replace('- [ ] Yes.', '- [ ]  '))).to.equal(
      'docs/checks/02-sessions.md:19: an option without text',
    );
  });

  it('refuses a line that is neither an option nor an explanation', () => {
    expect(refusal(good.replace('  Anyone can decode it.', 'Anyone can decode it.'))).to.match(
      /^docs\/checks\/02-sessions\.md:20: expected an option/,
    );
  });

  it('refuses an explanation before any option', () => {
    expect(refusal(good.replace('\n- [ ] In a module variable.', ''))).to.equal(
      'docs/checks/02-sessions.md:7: an explanation before any option',
    );
  });

  it('refuses headings other than the title and the questions', () => {
    expect(refusal(good.replace('## Is a signed', '### Is a signed'))).to.equal(
      'docs/checks/02-sessions.md:15: only `# ` (the title) and `## ` (a question) headings are expected',
    );
    expect(refusal(`${good}# Another title\n`)).to.equal(
      'docs/checks/02-sessions.md:21: a second `# ` title',
    );
  });

  it('refuses text before the title, and a file without title or questions', () => {
    expect(refusal(`Intro first.\n${good}`)).to.equal(
      'docs/checks/02-sessions.md:1: the file should start with a `# ` title',
    );
    expect(refusal('', 'empty.md')).to.equal('empty.md:1: no `# ` title');
    expect(refusal('# Title\n\nNo questions.\n', 'x.md')).to.equal(
      'x.md:4: no questions (`## ` headings)',
    );
  });

  it('reads every knowledge check of the course', () => {
    const dir = join(root, 'docs/checks');
    const files = readdirSync(dir).filter((file) => file.endsWith('.md'));
    expect(files.length).to.be.above(0);
    for (const file of files) {
      const check = parseCheck(readFileSync(join(dir, file), 'utf8'), `docs/checks/${file}`);
      expect(check.questions.length, file).to.be.above(0);
    }
  });
});

describe('checkPage', () => {
  const page = checkPage(parseCheck(good));

  it('writes the title, the intro and each question as a heading', () => {
    expect(page).to.match(/^# Knowledge check: step 02, sessions\n\nThese questions follow/);
    expect(page).to.include('\n## Where does the count live?\n');
    expect(page).to.include('\n## Is a signed cookie secret?\n');
  });

  it('gives each question its number, its number of options and its right answer', () => {
    expect(page).to.include('<KnowledgeQuestion :number="1" :options="3" :answer="2">');
    expect(page).to.include('<KnowledgeQuestion :number="2" :options="2" :answer="1">');
  });

  it('puts each option and explanation in its own slot, between blank lines', () => {
    expect(page).to.include(
      '<template #option-2>\n\nIn the `session` cookie.\n\n</template>\n' +
        '<template #explain-2>\n\nThe browser sends it back\nwith every request.\n\n</template>',
    );
    expect(page.match(/<template #option-\d>/g)).to.have.length(5);
    expect(page.match(/<template #explain-\d>/g)).to.have.length(5);
    expect(page.match(/<\/KnowledgeQuestion>/g)).to.have.length(2);
  });
});
