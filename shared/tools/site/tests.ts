// The titles of a mocha test file's `describe` and `it` calls, nested as in the file,
// read with TypeScript's parser (nothing is run). A title written as a template literal,
// such as `of ${PAGE_VIEWS} page views`, gets the values of the constants it names, when
// they are plain numbers or strings (or arithmetic on them) declared in the file or
// imported from a relative module; anything else stays as written.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

export type TestNode = { title: string; tests: string[]; suites: TestNode[] };

// Each file is parsed once per call of testTree (not once per process: the dev server
// calls it again after a test file changed).
let sources = new Map<string, ts.SourceFile>();
function parse(file: string): ts.SourceFile {
  let source = sources.get(file);
  if (!source) {
    source = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    sources.set(file, source);
  }
  return source;
}

// The value of a constant named `name` in `file`: declared there, or imported by it.
function constant(file: string, name: string, depth = 0): string | number | undefined {
  if (depth > 3) return undefined;
  const source = parse(file);
  let value: string | number | undefined;
  const visit = (node: ts.Node): void => {
    if (value !== undefined) return;
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === name &&
      node.initializer &&
      ts.isVariableDeclarationList(node.parent) &&
      node.parent.flags & ts.NodeFlags.Const
    ) {
      value = evaluate(node.initializer, file, depth);
      return;
    }
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text.startsWith('.')
    ) {
      const bindings = node.importClause?.namedBindings;
      const imported =
        bindings && ts.isNamedImports(bindings)
          ? bindings.elements.find((element) => element.name.text === name)
          : undefined;
      const target = resolve(dirname(file), node.moduleSpecifier.text);
      if (imported && existsSync(target)) {
        value = constant(target, (imported.propertyName ?? imported.name).text, depth + 1);
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return value;
}

function evaluate(
  node: ts.Expression,
  file: string,
  depth: number,
): string | number | undefined {
  if (ts.isNumericLiteral(node)) return Number(node.text.replaceAll('_', ''));
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return evaluate(node.expression, file, depth);
  if (ts.isIdentifier(node)) return constant(file, node.text, depth + 1);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const value = evaluate(node.operand, file, depth);
    return typeof value === 'number' ? -value : undefined;
  }
  if (ts.isBinaryExpression(node)) {
    const [left, right] = [evaluate(node.left, file, depth), evaluate(node.right, file, depth)];
    if (typeof left !== 'number' || typeof right !== 'number') return undefined;
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken:
        return left + right;
      case ts.SyntaxKind.MinusToken:
        return left - right;
      case ts.SyntaxKind.AsteriskToken:
        return left * right;
      case ts.SyntaxKind.SlashToken:
        return left / right;
    }
  }
  return undefined;
}

function title(node: ts.Expression, file: string): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return (
      node.head.text +
      node.templateSpans
        .map((span) => {
          const value = evaluate(span.expression, file, 0);
          return (
            (value === undefined ? `\${${span.expression.getText()}}` : String(value)) +
            span.literal.text
          );
        })
        .join('')
    );
  }
  return undefined;
}

// `describe(...)`, `describe.skip(...)`, `it.only(...)` and the like: which, or undefined.
function kind(call: ts.CallExpression): 'describe' | 'it' | undefined {
  let callee: ts.Expression = call.expression;
  if (ts.isPropertyAccessExpression(callee)) callee = callee.expression;
  if (!ts.isIdentifier(callee)) return undefined;
  if (['describe', 'context', 'suite'].includes(callee.text)) return 'describe';
  if (['it', 'specify', 'test'].includes(callee.text)) return 'it';
  return undefined;
}

// The file's top-level suites, each with its tests and nested suites in file order.
export function testTree(file: string): TestNode[] {
  sources = new Map();
  const top: TestNode = { title: '', tests: [], suites: [] };
  const visit = (node: ts.Node, suite: TestNode): void => {
    if (ts.isCallExpression(node) && node.arguments.length) {
      const which = kind(node);
      const text = which && title(node.arguments[0], file);
      if (which === 'it' && text !== undefined) return void suite.tests.push(text);
      if (which === 'describe' && text !== undefined) {
        const child: TestNode = { title: text, tests: [], suites: [] };
        suite.suites.push(child);
        node.arguments.slice(1).forEach((arg) => visit(arg, child));
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, suite));
  };
  visit(parse(file), top);
  return top.suites;
}

// Every test of a suite, nested suites' tests named "suite › test".
export function flatTests(suite: TestNode, prefix = ''): string[] {
  return [
    ...suite.tests.map((test) => prefix + test),
    ...suite.suites.flatMap((child) => flatTests(child, `${prefix}${child.title} › `)),
  ];
}

// The pitfalls' tests of a step: pitfall number -> its tests. Suites are named
// "step NN, pitfall N: …", or "pitfall N: …" inside one "step NN, pitfalls" suite.
export function pitfallTests(file: string): Map<number, string[]> {
  const found = new Map<number, string[]>();
  const visit = (suite: TestNode) => {
    const number = /\bpitfall (\d+):/.exec(suite.title)?.[1];
    if (number)
      found.set(Number(number), [...(found.get(Number(number)) ?? []), ...flatTests(suite)]);
    else suite.suites.forEach(visit);
  };
  if (existsSync(file)) testTree(file).forEach(visit);
  return found;
}
