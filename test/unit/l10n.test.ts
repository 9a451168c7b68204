// Session Manager is l10n-ready (issue 11 §14), as the anchor extensions are:
//   - the manifest's words (command titles, view names, welcome text, walkthrough, settings) are `%key%` strings
//     whose English text is in package.nls.json, and every key used is defined there and every key defined is used;
//   - every word the VS Code layer shows the person goes through `vscode.l10n.t('…', args)`: a literal message with
//     `{0}`-style placeholders, never a message built by concatenation. For English, l10n.t returns the message itself.
// This test reads the TypeScript of the files that can import `vscode` (the extension, the features, the VS Code
// machinery, the connection store/manager/wizard/trust) and fails on a string literal or template literal with words
// in a place the person sees, unless it is inside `vscode.l10n.t(…)`:
//   - the arguments of showInformationMessage/showWarningMessage/showErrorMessage/setStatusBarMessage, of a
//     MarkdownString's appendMarkdown/appendText, of the
//     UserInput seam (notify's message and actions, confirm, typeToConfirm's prompt, progress, openFile, saveFile),
//     pickConnection's placeholder, and a webview panel's title;
//   - the properties title, placeholder/placeHolder, prompt, label, description, tooltip, detail, saveLabel,
//     openLabel, validationMessage (in an object literal or assigned), and what a validate/validateInput function
//     returns;
//   - `new vscode.TreeItem(…)`, `new vscode.MarkdownString(…)`, the tree's `new MessageNode/ErrorNode/LoadingNode(…)`,
//     `new Error(…)` (and any `new …Error(…)`);
//   - what the members message, hint, pagedWhat and detailsTitle (and those named like the properties above) return
//     or default to.
// A value is followed through conditionals, `+`, `??`/`||`, arrays, template substitutions, and into the constants
// and functions of the same file it names (`const title = '…'`, `return '…'`).
// Not covered, on purpose:
//   - the pure modules (src/backends/**, src/http/**, src/util/**, src/connections/model.ts, and every file whose
//     header says "Pure:", e.g. src/connections/presets.ts, src/tree/contextValue.ts): they cannot import `vscode`;
//     their words (a server's error, a backend's labels) reach the person through the feature layer, which passes them
//     on as arguments, and their own errors are invariants no person should see;
//   - the webview pages and their scripts (src/webviews/html.ts, src/webviews/<panel>/{protocol,main}.ts and the pages
//     the backends render): they run in plain Node or in the webview, not in the extension host;
//   - src/dev/**: development builds only, left out of the .vsix;
//   - log lines (the Session Manager output channel stays English, as VS Code's own logs do).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { nlsBundle, placeholders, rawManifest, ROOT } from './manifestNls';

/**
 * Files whose strings are not converted yet. The lead is still changing these and converts them after merging the
 * l10n branch: empty this list then. A listed file that has nothing left to convert fails the test, so the list only
 * shrinks.
 */
const NOT_YET_CONVERTED: string[] = [];

const rel = (f: string): string => path.relative(ROOT, f).split(path.sep).join('/');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...walk(p));
    } else if (e.name.endsWith('.ts')) {
      out.push(p);
    }
  }
  return out;
}

const WEBVIEW_CONTRACT = /^src\/webviews\/(html\.ts|[^/]+\/(protocol|main)\.ts)$/;
const under = (dir: string) => (f: string) => f.startsWith(`${dir}/`);

/** Whether the header comment (the `//` lines the file starts with) says the module is pure (no `vscode` import). */
function declaresPure(text: string): boolean {
  const header = /^(?:\/\/.*\n)*/.exec(text)?.[0] ?? '';
  return /\bPure:/.test(header);
}

/**
 * The files of the VS Code layer: the extension, the features, the machinery and connections/, less the modules
 * that declare themselves pure in their header (they cannot import `vscode`, and the first test checks they do not).
 */
function vscodeLayerFiles(): string[] {
  return walk(path.join(ROOT, 'src')).filter((f) => {
    const r = rel(f);
    if (under('src/backends')(r) || under('src/http')(r) || under('src/util')(r) || under('src/dev')(r) || WEBVIEW_CONTRACT.test(r) || r === 'src/connections/model.ts') {
      return false;
    }
    return !declaresPure(fs.readFileSync(f, 'utf8'));
  });
}

/** Calls whose arguments (from `from`) the person reads. */
const MESSAGE_CALLS = new Map<string, number>(Object.entries({
  showInformationMessage: 0,
  showWarningMessage: 0,
  showErrorMessage: 0,
  setStatusBarMessage: 0,
  notify: 1,
  confirm: 0,
  progress: 0,
  openFile: 0,
  saveFile: 0,
  appendMarkdown: 0,
  appendText: 0,
}));
/** Calls of which only one argument is read by the person. */
const ONE_ARG_CALLS = new Map<string, number>(Object.entries({ typeToConfirm: 0, createWebviewPanel: 1, pickConnection: 2 }));
/** notify's level ('info', 'warning', 'error') is a word of the code, not of the person. */
const NOTIFY_LEVELS = new Set(['info', 'warning', 'error']);
const TEXT_PROPERTIES = new Set(['title', 'placeholder', 'placeHolder', 'prompt', 'label', 'description', 'tooltip', 'detail', 'saveLabel', 'openLabel', 'validationMessage']);
const VALIDATORS = new Set(['validate', 'validateInput']);
/** Constructors whose arguments are what a tree row or a tooltip says (the ids they take are paths, not words). */
const TEXT_CONSTRUCTORS = new Set(['TreeItem', 'MarkdownString', 'MessageNode', 'ErrorNode', 'LoadingNode']);
/** Members (methods, getters, fields) and parameter defaults whose value the person reads. */
const TEXT_MEMBERS = new Set([...TEXT_PROPERTIES, 'message', 'hint', 'pagedWhat', 'detailsTitle']);

export interface Finding {
  file: string;
  line: number;
  text: string;
  why: string;
}

/**
 * Words in a literal: a letter outside `$(codicon)` references, in something other than one URL, host name, path or
 * constant (a single token with a `.`, `_`, `/` or `:` in it, such as `api.pingone.com` or `CLIENT_SECRET_BASIC`).
 */
function hasWords(s: string): boolean {
  const text = s.replace(/\$\([a-z0-9~-]+\)/gi, '').trim();
  if (/^[\p{L}\p{N}.:/_~@%?=&#+-]+$/u.test(text) && /[._/:]/.test(text)) {
    return false;
  }
  return /\p{L}/u.test(text);
}

const calleeName = (e: ts.Expression): string | undefined =>
  ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : undefined;

/** `vscode.l10n.t(…)` or `l10n.t(…)`. */
function isL10nCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 't') {
    return false;
  }
  const target = node.expression.expression;
  return (ts.isIdentifier(target) && target.text === 'l10n') || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
}

const propertyName = (n: ts.PropertyName | ts.MemberName): string | undefined =>
  ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n) ? n.text : undefined;

/** Scans source files for user-facing literals that bypass `vscode.l10n.t`. */
export function scan(files: string[]): Finding[] {
  const program = ts.createProgram(files, { noResolve: true, noLib: true, types: [], allowJs: false });
  const checker = program.getTypeChecker();
  const findings: Finding[] = [];

  for (const file of files) {
    const sf = program.getSourceFile(file);
    assert.ok(sf, file);
    const seen = new Set<ts.Node>();
    const report = (node: ts.Node, why: string): void => {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      findings.push({ file: rel(file), line: line + 1, text: node.getText(sf).slice(0, 120), why });
    };

    /** The declaration in this file that `id` names, if it is a constant or a function. */
    const localDeclaration = (id: ts.Identifier): ts.Node | undefined => {
      const symbol = ts.isShorthandPropertyAssignment(id.parent) ? checker.getShorthandAssignmentValueSymbol(id.parent) : checker.getSymbolAtLocation(id);
      const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
      return decl && decl.getSourceFile() === sf ? decl : undefined;
    };

    /** The expressions a function returns. */
    const returned = (fn: ts.SignatureDeclaration): ts.Expression[] => {
      if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn)) && fn.body) {
        if (!ts.isBlock(fn.body)) {
          return [fn.body];
        }
        const out: ts.Expression[] = [];
        const visit = (n: ts.Node): void => {
          if (ts.isReturnStatement(n) && n.expression) {
            out.push(n.expression);
          } else if (!ts.isFunctionLike(n)) {
            ts.forEachChild(n, visit);
          }
        };
        ts.forEachChild(fn.body, visit);
        return out;
      }
      return [];
    };

    /** Reports every literal with words that `expr` can evaluate to, outside l10n.t. */
    const check = (expr: ts.Node | undefined, why: string): void => {
      if (!expr || seen.has(expr)) {
        return;
      }
      seen.add(expr);
      if (isL10nCall(expr)) {
        return;
      }
      if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) {
        if (hasWords(expr.text)) {
          report(expr, why);
        }
      } else if (ts.isTemplateExpression(expr)) {
        const fixed = [expr.head.text, ...expr.templateSpans.map((s) => s.literal.text)].join('');
        if (hasWords(fixed)) {
          report(expr, why);
        } else {
          expr.templateSpans.forEach((s) => check(s.expression, why));
        }
      } else if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr) || ts.isAwaitExpression(expr)) {
        check(expr.expression, why);
      } else if (ts.isConditionalExpression(expr)) {
        check(expr.whenTrue, why);
        check(expr.whenFalse, why);
      } else if (ts.isBinaryExpression(expr)) {
        const op = expr.operatorToken.kind;
        if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
          check(expr.left, why);
          check(expr.right, why);
        } else if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
          check(expr.right, why);
        }
      } else if (ts.isArrayLiteralExpression(expr)) {
        expr.elements.forEach((e) => check(ts.isSpreadElement(e) ? e.expression : e, why));
      } else if (ts.isIdentifier(expr)) {
        const decl = localDeclaration(expr);
        if (decl && ts.isVariableDeclaration(decl)) {
          check(decl.initializer, why);
        }
      } else if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression)) {
        const decl = localDeclaration(expr.expression);
        const fn = decl && ts.isVariableDeclaration(decl) ? decl.initializer : decl;
        if (fn && ts.isFunctionLike(fn)) {
          returned(fn).forEach((r) => check(r, why));
        }
      }
    };

    /** The message of an l10n.t call: one literal, placeholders {0}…{n-1} matching the arguments. */
    const checkL10nCall = (call: ts.CallExpression): void => {
      const [first, ...args] = call.arguments;
      let message: ts.Expression | undefined = first;
      let argCount = args.length;
      if (first && ts.isObjectLiteralExpression(first)) {
        const prop = (name: string) =>
          first.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === name)?.initializer;
        message = prop('message');
        const a = prop('args');
        argCount = a && ts.isArrayLiteralExpression(a) ? a.elements.length : 0;
      }
      if (!message || !(ts.isStringLiteral(message) || ts.isNoSubstitutionTemplateLiteral(message))) {
        report(call, 'l10n.t takes a literal message (with {0} placeholders), so the l10n export can find it');
        return;
      }
      const used = new Set([...message.text.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])));
      for (let i = 0; i < argCount; i++) {
        if (!used.has(i)) {
          report(call, `l10n.t is given argument {${i}} but its message does not use it`);
        }
      }
      for (const i of used) {
        if (i >= argCount) {
          report(call, `l10n.t's message uses {${i}} but it is given ${argCount} argument(s)`);
        }
      }
    };

    const visit = (node: ts.Node): void => {
      if (isL10nCall(node)) {
        checkL10nCall(node);
        // Its arguments are values put into the message; a literal among them would be an untranslated word.
        node.arguments.slice(1).forEach((a) => check(a, 'an argument of l10n.t (translate it too, or make it part of the message)'));
      } else if (ts.isCallExpression(node)) {
        const name = calleeName(node.expression);
        const from = name === undefined ? undefined : MESSAGE_CALLS.get(name);
        const only = name === undefined ? undefined : ONE_ARG_CALLS.get(name);
        if (from !== undefined) {
          node.arguments
            .slice(from)
            .filter((a) => !(name === 'notify' && ts.isStringLiteral(a) && NOTIFY_LEVELS.has(a.text)))
            .forEach((a) => check(a, `an argument of ${name}()`));
        } else if (only !== undefined) {
          check(node.arguments[only], `an argument of ${name}()`);
        }
      } else if (ts.isNewExpression(node)) {
        const name = calleeName(node.expression);
        if (name && (TEXT_CONSTRUCTORS.has(name) || /Error$/.test(name))) {
          (node.arguments ?? []).forEach((a) => check(a, `new ${name}()`));
        }
      } else if (ts.isPropertyAssignment(node)) {
        const name = propertyName(node.name);
        if (name && TEXT_PROPERTIES.has(name)) {
          check(node.initializer, `the ${name} property`);
        } else if (name && VALIDATORS.has(name) && ts.isFunctionLike(node.initializer)) {
          returned(node.initializer).forEach((r) => check(r, `what ${name} returns`));
        }
      } else if (ts.isShorthandPropertyAssignment(node) && TEXT_PROPERTIES.has(node.name.text)) {
        check(node.name, `the ${node.name.text} property`);
      } else if (ts.isMethodDeclaration(node) && node.name && VALIDATORS.has(propertyName(node.name) ?? '')) {
        returned(node).forEach((r) => check(r, `what ${propertyName(node.name)} returns`));
      } else if ((ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node)) && TEXT_MEMBERS.has(propertyName(node.name) ?? '')) {
        returned(node).forEach((r) => check(r, `what ${propertyName(node.name)} returns`));
      } else if ((ts.isPropertyDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name) && TEXT_MEMBERS.has(node.name.text)) {
        check(node.initializer, `the ${node.name.text} default`);
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        if (TEXT_PROPERTIES.has(node.left.name.text)) {
          check(node.right, `the ${node.left.name.text} property`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return findings;
}

const format = (found: Finding[]): string => found.map((f) => `  ${f.file}:${f.line} ${f.why}: ${f.text}`).join('\n');

describe('l10n: runtime strings through vscode.l10n.t', function () {
  this.timeout(60_000);
  const files = vscodeLayerFiles();

  it('finds the VS Code layer (and leaves the pure modules out)', () => {
    const names = files.map(rel);
    for (const f of ['src/extension.ts', 'src/connections/wizard.ts', 'src/connections/trust.ts', 'src/ui/input.ts', 'src/webviews/panelHost.ts', 'src/features/ziti/enrollments/commands.ts']) {
      assert.ok(names.includes(f), `${f} is scanned`);
    }
    for (const f of names) {
      assert.ok(!/^src\/(backends|http|util|dev)\//.test(f) && f !== 'src/connections/model.ts' && !WEBVIEW_CONTRACT.test(f), `${f} is pure or development-only`);
    }
    // A file that calls itself pure must be: the exemption is not a way around the check.
    for (const f of walk(path.join(ROOT, 'src'))) {
      const text = fs.readFileSync(f, 'utf8');
      if (declaresPure(text)) {
        assert.ok(!/from 'vscode'/.test(text), `${rel(f)} says it is pure but imports vscode`);
      }
    }
  });

  it('no user-facing literal in the VS Code layer bypasses vscode.l10n.t', () => {
    const findings = scan(files).filter((f) => !NOT_YET_CONVERTED.includes(f.file));
    assert.strictEqual(findings.length, 0, `${findings.length} user-facing string(s) not wrapped in vscode.l10n.t:\n${format(findings)}`);
  });

  it('lists in NOT_YET_CONVERTED only existing files that still have strings to convert', () => {
    const left = new Set(scan(files).map((f) => f.file));
    for (const f of NOT_YET_CONVERTED) {
      assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} is in NOT_YET_CONVERTED but does not exist`);
      assert.ok(left.has(f), `${f} has nothing left to convert: remove it from NOT_YET_CONVERTED`);
    }
  });

  it('catches what it is meant to catch', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'l10n-'));
    const file = path.join(dir, 'sample.ts');
    fs.writeFileSync(
      file,
      [
        "import * as vscode from 'vscode';",
        "const title = 'Pick a thing';",
        "function stateText(on: boolean): string { return on ? vscode.l10n.t('On') : 'Off'; }",
        'export async function f(input: any, n: number, name: string): Promise<void> {',
        "  void vscode.window.showInformationMessage('Done');",
        "  void input.notify('info', vscode.l10n.t('Revoked {0}', name), 'Show Logs');",
        "  void notify(deps, 'warning', `Revoked ${name}`);",
        "  await input.pick({ title }, [], { placeholder: vscode.l10n.t('Choose') });",
        "  const item = new vscode.TreeItem(`${n} sessions`);",
        '  item.description = stateText(true);',
        "  item.tooltip = vscode.l10n.t('Revoked ' + name);",
        "  item.label = vscode.l10n.t('{0} of {1}', n);",
        "  throw new Error(n > 1 ? vscode.l10n.t('Many') : `Only ${name}`);",
        '}',
        "export const ok = { contextValue: 'x;y', label: `${'$(sync~spin)'} ${1}`, validate: (v: string) => (v ? undefined : 'Enter a value') };",
        "export class N { get pagedWhat(): string { return 'items'; } constructor(private readonly label = 'Loading…') {} }",
        "export const hosts = { description: 'api.pingone.eu', placeholder: 'https://ctrl.example.com:1280', detail: 'CLIENT_SECRET_POST', title: 'Retry' };",
      ].join('\n'),
    );
    try {
      const found = scan([file]).map((f) => `${f.line}:${f.text}`);
      assert.deepStrictEqual(found.sort(), [
        "11:vscode.l10n.t('Revoked ' + name)",
        "12:vscode.l10n.t('{0} of {1}', n)",
        '13:`Only ${name}`',
        "15:'Enter a value'",
        "16:'Loading…'",
        "16:'items'",
        "17:'Retry'",
        "2:'Pick a thing'",
        "3:'Off'",
        "5:'Done'",
        "6:'Show Logs'",
        '7:`Revoked ${name}`',
        '9:`${n} sessions`',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('l10n: manifest strings in package.nls.json', () => {
  const used = placeholders(rawManifest());
  const nls = nlsBundle();

  it('every %key% in package.json is defined in package.nls.json', () => {
    const missing = used.filter((k) => !Object.prototype.hasOwnProperty.call(nls, k));
    assert.deepStrictEqual(missing, [], 'keys package.json uses but package.nls.json does not define');
  });

  it('every key of package.nls.json is used by package.json, with English text', () => {
    const unused = Object.keys(nls).filter((k) => !used.includes(k));
    assert.deepStrictEqual(unused, [], 'keys package.nls.json defines but package.json does not use');
    for (const [k, v] of Object.entries(nls)) {
      assert.ok(typeof v === 'string' && v.trim() !== '', `${k} has text`);
    }
  });

  it('leaves no user-facing manifest string as a literal', () => {
    const pkg = rawManifest() as { displayName: string; description: string; contributes: Record<string, unknown> };
    const literal: string[] = [];
    const expect = (where: string, v: unknown): void => {
      if (typeof v === 'string' && !/^%[^%\s]+%$/.test(v)) {
        literal.push(`${where}: ${v}`);
      }
    };
    expect('displayName', pkg.displayName);
    expect('description', pkg.description);
    const c = pkg.contributes as {
      viewsContainers: Record<string, { title: string }[]>;
      views: Record<string, { name: string; contextualTitle?: string }[]>;
      viewsWelcome: { contents: string }[];
      walkthroughs: { title: string; description: string; steps: { title: string; description: string }[] }[];
      commands: { command: string; title: string; category?: string; shortTitle?: string }[];
      menus: Record<string, { title?: string }[]>;
      submenus?: { label: string }[];
      configuration: { title: string; properties: Record<string, unknown> };
    };
    Object.values(c.viewsContainers).flat().forEach((v) => expect('viewsContainers', v.title));
    Object.values(c.views).flat().forEach((v) => (expect('views', v.name), expect('views', v.contextualTitle)));
    c.viewsWelcome.forEach((w) => expect('viewsWelcome', w.contents));
    c.walkthroughs.forEach((w) => [w, ...w.steps].forEach((s) => (expect('walkthroughs', s.title), expect('walkthroughs', s.description))));
    c.commands.forEach((m) => (expect(m.command, m.title), expect(m.command, m.category), expect(m.command, m.shortTitle)));
    Object.values(c.menus).flat().forEach((m) => expect('menus', m.title));
    (c.submenus ?? []).forEach((m) => expect('submenus', m.label));
    expect('configuration', c.configuration.title);
    const settings = (props: Record<string, unknown>, where: string): void => {
      for (const [name, s] of Object.entries(props) as [string, Record<string, unknown>][]) {
        for (const f of ['title', 'description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) {
          expect(`${where}${name}.${f}`, s[f]);
        }
        for (const d of (s.enumDescriptions ?? s.markdownEnumDescriptions ?? []) as unknown[]) {
          expect(`${where}${name}.enumDescriptions`, d);
        }
        const items = s.items as { properties?: Record<string, unknown> } | undefined;
        if (items?.properties) {
          settings(items.properties, `${where}${name}[].`);
        }
      }
    };
    settings(c.configuration.properties, '');
    assert.deepStrictEqual(literal, [], 'manifest strings the person reads that are not %key% placeholders');
  });
});
