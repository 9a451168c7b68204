import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { manifest, ROOT as root } from './manifestNls';

// Titles, names and descriptions as the person sees them: package.json's %key% strings resolved through package.nls.json.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pkg = manifest() as any;

describe('package.json manifest', () => {
  it('names the extension and pins @types/vscode to the engines floor', () => {
    assert.strictEqual(pkg.name, 'session-manager');
    assert.strictEqual(pkg.displayName, 'Session Manager');
    assert.strictEqual(pkg.main, './dist/extension.js');
    const floor = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.engines.vscode);
    assert.ok(floor, `engines.vscode ${pkg.engines.vscode} is not a caret range`);
    const [maj, min] = floor[1].split('.').map(Number);
    assert.ok(maj === 1 && min <= 95, 'engines.vscode floor is no newer than 1.95');
    assert.strictEqual(pkg.devDependencies['@types/vscode'], floor[1]);
    assert.ok(fs.existsSync(path.join(root, pkg.icon)), 'icon exists');
  });

  it('reads connection presets only from user settings and declares what works in Restricted Mode', () => {
    const setting = pkg.contributes.configuration.properties['sessionManager.connections'];
    assert.ok(['application', 'machine'].includes(setting.scope), `sessionManager.connections has scope ${setting.scope}: a workspace could redefine a preset`);
    // Nothing the extension reads from a workspace decides where credentials go, so it works fully there.
    assert.deepStrictEqual(pkg.capabilities?.untrustedWorkspaces, { supported: true });
  });

  it('has no eager activation', () => {
    const events: string[] = pkg.activationEvents ?? [];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
  });

  it('declares the view container with three views, each with welcome content', () => {
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'sessionManager');
    assert.ok(container && fs.existsSync(path.join(root, container.icon)));
    const views = pkg.contributes.views.sessionManager.map((v: { id: string; name: string }) => `${v.id}=${v.name}`);
    assert.deepStrictEqual(views, ['sessionManager.environments=Environments', 'sessionManager.sessions=Sessions', 'sessionManager.enrollments=Enrollments']);
    for (const v of pkg.contributes.views.sessionManager) {
      const welcome = pkg.contributes.viewsWelcome.find((w: { view: string }) => w.view === v.id);
      assert.ok(welcome, `${v.id} has welcome content`);
      assert.ok(welcome.contents.includes('(command:sessionManager.addConnection)'), `${v.id} welcome links Add Connection`);
    }
  });

  it('prefixes every command and gives it the category', () => {
    for (const c of pkg.contributes.commands) {
      assert.ok(c.command.startsWith('sessionManager.'), c.command);
      assert.strictEqual(c.category, 'Session Manager', c.command);
    }
  });

  it('only refers to contributed commands in menus, and every view has refresh in its title', () => {
    const ids = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus as Record<string, { command?: string }[]>)) {
      for (const e of entries) {
        if (e.command) {
          assert.ok(ids.has(e.command), `${menu} refers to unknown ${e.command}`);
        }
      }
    }
    const refresh = pkg.contributes.menus['view/title'].find((m: { command: string }) => m.command === 'sessionManager.refresh');
    for (const v of ['sessionManager.environments', 'sessionManager.sessions', 'sessionManager.enrollments']) {
      assert.ok(refresh.when.includes(`view == ${v}`), `refresh is on ${v}`);
    }
  });
});

describe('package.json layout and Get Started walkthrough', () => {
  const views: { id: string; initialSize?: number; visibility?: string }[] = pkg.contributes.views.sessionManager;
  const view = (id: string): { id: string; initialSize?: number; visibility?: string } => {
    const v = views.find((x) => x.id === id);
    assert.ok(v, id);
    return v;
  };

  it('gives the Sessions view most of the sidebar and starts Enrollments collapsed', () => {
    const sessions = view('sessionManager.sessions');
    const environments = view('sessionManager.environments');
    const enrollments = view('sessionManager.enrollments');
    for (const v of [sessions, environments, enrollments]) {
      assert.ok(typeof v.initialSize === 'number' && v.initialSize > 0, `${v.id} has an initialSize`);
    }
    const open = [sessions, environments, enrollments].filter((v) => v.visibility !== 'collapsed' && v.visibility !== 'hidden');
    const sum = open.reduce((a, v) => a + (v.initialSize ?? 0), 0);
    assert.ok((sessions.initialSize ?? 0) / sum >= 0.6, `Sessions gets ${sessions.initialSize}/${sum} of the open views' height`);
    assert.strictEqual(enrollments.visibility, 'collapsed');
    assert.notStrictEqual(sessions.visibility, 'collapsed');
  });

  const walkthrough = (pkg.contributes.walkthroughs ?? []).find((w: { id: string }) => w.id === 'sessionManager.getStarted');
  type Step = { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] };

  it('has a Get Started walkthrough: add a connection, see sessions, revoke one, open a route path', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs has sessionManager.getStarted');
    assert.ok(walkthrough.title && walkthrough.description);
    assert.deepStrictEqual(
      walkthrough.steps.map((s: Step) => s.id),
      ['addConnection', 'seeSessions', 'revokeSession', 'openRoutePath'],
    );
    for (const s of walkthrough.steps as Step[]) {
      assert.ok(s.title && s.description, s.id);
      const media = s.media.markdown ?? s.media.image;
      assert.ok(media && fs.existsSync(path.join(root, media)), `${s.id}: media ${media} exists`);
    }
  });

  it('completes each step on an event that happens when the person did it, naming contexts the extension sets and commands it contributes', () => {
    const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
    const viewIds = new Set(views.map((v) => v.id));
    // Every context key the extension sets: `setContext` calls with a literal key, or a constant holding one.
    const srcFiles: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, e.name);
        if (e.isDirectory()) {
          walk(f);
        } else if (f.endsWith('.ts')) {
          srcFiles.push(fs.readFileSync(f, 'utf8'));
        }
      }
    };
    walk(path.join(root, 'src'));
    const src = srcFiles.join('\n');
    assert.ok(src.includes("'setContext'"));
    for (const s of walkthrough.steps as Step[]) {
      const events = s.completionEvents ?? [];
      assert.ok(events.length > 0, `${s.id} completes on an event, not on opening the step`);
      for (const ev of events) {
        const [kind, name] = [ev.slice(0, ev.indexOf(':')), ev.slice(ev.indexOf(':') + 1)];
        if (kind === 'onCommand') {
          assert.ok(commands.has(name), `${s.id}: ${name} is a contributed command`);
        } else if (kind === 'onContext') {
          assert.ok(src.includes(`'${name}'`), `${s.id}: the extension sets the context ${name}`);
        } else if (kind === 'onView') {
          assert.ok(viewIds.has(name), `${s.id}: ${name} is a contributed view`);
        } else {
          assert.fail(`${s.id}: unexpected completion event ${ev}`);
        }
      }
      // The step's own buttons run contributed commands (or a view's focus command).
      for (const m of s.description.matchAll(/\(command:([^)?]+)/g)) {
        const id = m[1];
        assert.ok(commands.has(id) || (id.endsWith('.focus') && viewIds.has(id.slice(0, -'.focus'.length))), `${s.id}: button runs ${id}`);
      }
    }
    const byId = new Map((walkthrough.steps as Step[]).map((s) => [s.id, s.completionEvents ?? []]));
    assert.deepStrictEqual(byId.get('addConnection'), ['onContext:sessionManager.hasConnections']);
    assert.deepStrictEqual(byId.get('revokeSession'), ['onContext:sessionManager.walkthrough.revokedSession']);
    assert.deepStrictEqual(byId.get('openRoutePath'), ['onContext:sessionManager.walkthrough.openedRoutePath']);
    assert.deepStrictEqual(byId.get('seeSessions'), ['onContext:sessionManager.walkthrough.sawSessions']);
  });
});

describe('the .vsix contents', function () {
  this.timeout(60_000);
  it('holds only dist/ (with ThirdPartyNotices.txt), media/, package.json, package.nls.json, README.md, CHANGELOG.md and LICENSE (no src, test, maps or node_modules)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require('child_process') as typeof import('child_process');
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.ok(files.includes('package.json') && files.includes('README.md') && files.includes('CHANGELOG.md') && files.includes('LICENSE'));
    // The English text of package.json's %key% strings: without it VS Code shows the keys.
    assert.ok(files.includes('package.nls.json'), `package.nls.json is not in the .vsix: ${files.join(', ')}`);
    assert.ok(files.includes('media/icon.png'));
    assert.ok(files.includes('dist/ThirdPartyNotices.txt'), `no third-party notices in the .vsix (run "npm run build" first): ${files.join(', ')}`);
    for (const f of files) {
      assert.ok(/^(dist\/|media\/)/.test(f) || ['package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(f), `unexpected file in the .vsix: ${f}`);
      assert.ok(!f.endsWith('.map'), `source map in the .vsix: ${f}`);
    }
  });

  it('ThirdPartyNotices.txt names every package bundled into dist/, with its version, licence and licence text', async () => {
    const notices = path.join(root, 'dist', 'ThirdPartyNotices.txt');
    assert.ok(fs.existsSync(notices), 'dist/ThirdPartyNotices.txt is missing: run "npm run build" first');
    const text = fs.readFileSync(notices, 'utf8');
    // The packages esbuild actually puts into the bundles, with the build's own options.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { bundleOptions } = require(path.join(root, 'esbuild.js')) as { bundleOptions(): import('esbuild').BuildOptions[] };
    const dirs = new Set<string>();
    for (const options of bundleOptions()) {
      const result = await esbuild.build({ ...options, write: false, metafile: true });
      for (const input of Object.keys(result.metafile?.inputs ?? {})) {
        const m = /^(.*node_modules\/(@[^/]+\/)?[^/]+)\//.exec(input);
        if (m) {
          dirs.add(m[1]);
        }
      }
    }
    const names = new Set<string>();
    for (const dir of dirs) {
      const pkg = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
      names.add(pkg.name);
      assert.ok(text.includes(`\n${pkg.name} ${pkg.version} (${pkg.license})\n`), `${pkg.name} ${pkg.version} (${pkg.license}) is not in ThirdPartyNotices.txt`);
      const licenceFile = fs.readdirSync(path.join(root, dir)).find((f) => /^(licen[cs]e|copying)([.-]|$)/i.test(f));
      if (licenceFile) {
        const licence = fs.readFileSync(path.join(root, dir, licenceFile), 'utf8').trim();
        assert.ok(text.includes(licence), `the licence text of ${pkg.name} (${licenceFile}) is not in ThirdPartyNotices.txt`);
      }
    }
    for (const expected of ['axios', 'asn1js', 'qrcode-generator']) {
      assert.ok(names.has(expected), `${expected} should be among the bundled packages: ${[...names].join(', ')}`);
    }
    // Every entry has a licence text under it, also the packages that ship no LICENSE file.
    const entries = text.split(/^={80}$/m).slice(1);
    assert.strictEqual(entries.length, names.size, 'one entry per bundled package, nothing else');
    for (const entry of entries) {
      assert.match(entry, /Copyright|Permission is hereby granted|Redistribution and use/, entry.slice(0, 200));
    }
  });
});
