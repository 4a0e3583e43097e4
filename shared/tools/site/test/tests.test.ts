import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { flatTests, pitfallTests, testTree } from '../tests.ts';

// Test files written to a scratch folder: the reader parses them, never runs them.
describe('the test-title reader (tests.ts)', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'site-tests-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('testTree', () => {
    it('reads describe and it titles, nested as in the file, in file order', () => {
      const file = write(
        'nested.test.ts',
        `import { expect } from 'chai';
describe('outer', () => {
  it('first', () => {});
  describe('inner', function () {
    it("second", async () => {});
    it.skip('third', () => {});
  });
  it('fourth', () => {});
});
describe.only('another', () => {
  context('a context', () => { specify('a spec', () => {}); });
  test('a test', () => {});
});
`,
      );
      expect(testTree(file)).to.deep.equal([
        {
          title: 'outer',
          tests: ['first', 'fourth'],
          suites: [{ title: 'inner', tests: ['second', 'third'], suites: [] }],
        },
        {
          title: 'another',
          tests: ['a test'],
          suites: [{ title: 'a context', tests: ['a spec'], suites: [] }],
        },
      ]);
    });

    it('fills in template literals from constants of the file and of relative imports', () => {
      write('limits.ts', 'export const LIMIT = 4 * 1024;\nexport const NAME = "cookie";\n');
      const file = write(
        'templates.test.ts',
        `import { LIMIT as MAX, NAME } from './limits.ts';
const VIEWS = 1_000;
const HALF = (VIEWS - 200) / 2;
const label = 'visits';
let changing = 3;
describe(\`after \${VIEWS} page views\`, () => {
  it(\`keeps \${HALF} \${label}\`, () => {});
  it(\`stays under \${MAX} bytes of \${NAME}\`, () => {});
  it(\`reads \${changing} and \${VIEWS + unknown} as written\`, () => {});
  it(\`negative: \${-VIEWS}\`, () => {});
});
`,
      );
      expect(testTree(file)).to.deep.equal([
        {
          title: 'after 1000 page views',
          tests: [
            'keeps 400 visits',
            'stays under 4096 bytes of cookie',
            'reads ${changing} and ${VIEWS + unknown} as written',
            'negative: -1000',
          ],
          suites: [],
        },
      ]);
    });

    it('leaves out calls whose title is not text, but reads the tests inside them', () => {
      const file = write(
        'computed.test.ts',
        `const name = ['a', 'b'].join('');
describe(name, () => {
  it('inside a computed suite', () => {});
});
for (const n of [1, 2]) it(\`case \${n}\`, () => {});
`,
      );
      const [top] = testTree(file);
      expect(top).to.equal(undefined);
      // A suite whose title cannot be read is not a suite: its tests are the file's own,
      // and testTree returns only suites. Wrapped in a suite, they show.
      const wrapped = write(
        'wrapped.test.ts',
        "describe('wrapper', () => {\n  describe(name, () => { it('inside', () => {}); });\n});\n",
      );
      expect(testTree(wrapped)).to.deep.equal([
        { title: 'wrapper', tests: ['inside'], suites: [] },
      ]);
    });

    it('reads the file again on every call', () => {
      const file = write('changing.test.ts', `describe('before', () => {});\n`);
      expect(testTree(file).map((s) => s.title)).to.deep.equal(['before']);
      write('changing.test.ts', `describe('after', () => {});\n`);
      expect(testTree(file).map((s) => s.title)).to.deep.equal(['after']);
    });
  });

  describe('flatTests', () => {
    it('names nested tests "suite › test"', () => {
      expect(
        flatTests({
          title: 'top',
          tests: ['a'],
          suites: [
            {
              title: 'inner',
              tests: ['b'],
              suites: [{ title: 'deepest', tests: ['c'], suites: [] }],
            },
          ],
        }),
      ).to.deep.equal(['a', 'inner › b', 'inner › deepest › c']);
    });
  });

  describe('pitfallTests', () => {
    it('maps each pitfall number to its tests, in either naming', () => {
      const file = write(
        'pitfalls-02.test.ts',
        `describe('step 02, pitfall 1: a module-level counter', () => {
  it('naive: two visitors share one count', () => {});
  describe('the step', () => { it('keeps one count per visitor', () => {}); });
});
describe('step 02, pitfalls', () => {
  describe('pitfall 2: a hard-coded secret', () => { it('signs with a key anyone knows', () => {}); });
  describe('pitfall 10: a later one', () => { it('is number ten', () => {}); });
  describe('not a pitfall', () => { it('is left out', () => {}); });
});
describe('step 02, pitfall 1: more of the first', () => {
  it('adds to pitfall 1', () => {});
});
`,
      );
      const found = pitfallTests(file);
      expect([...found.keys()]).to.deep.equal([1, 2, 10]);
      expect(found.get(1)).to.deep.equal([
        'naive: two visitors share one count',
        'the step › keeps one count per visitor',
        'adds to pitfall 1',
      ]);
      expect(found.get(2)).to.deep.equal(['signs with a key anyone knows']);
      expect(found.get(10)).to.deep.equal(['is number ten']);
    });

    it('finds nothing in a file that does not exist', () => {
      expect(pitfallTests(join(dir, 'missing.test.ts')).size).to.equal(0);
    });
  });
});
