import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

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

describe('the .vsix contents', function () {
  this.timeout(60_000);
  it('holds only dist/ (with ThirdPartyNotices.txt), media/, package.json, README.md, CHANGELOG.md and LICENSE (no src, test, maps or node_modules)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { spawnSync } = require('child_process') as typeof import('child_process');
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    assert.ok(files.includes('package.json') && files.includes('README.md') && files.includes('CHANGELOG.md') && files.includes('LICENSE'));
    assert.ok(files.includes('media/icon.png'));
    assert.ok(files.includes('dist/ThirdPartyNotices.txt'), `no third-party notices in the .vsix (run "npm run build" first): ${files.join(', ')}`);
    for (const f of files) {
      assert.ok(/^(dist\/|media\/)/.test(f) || ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(f), `unexpected file in the .vsix: ${f}`);
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
