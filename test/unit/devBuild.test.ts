// Development-only code (src/dev: `npm run try`'s sandbox connections) is in the development bundle and nowhere in
// the production bundle that `npm run package` puts into the .vsix.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';

const ROOT = path.join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundleOptions } = require(path.join(ROOT, 'esbuild.js')) as { bundleOptions(production?: boolean): esbuild.BuildOptions[] };

async function bundle(production: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-devbuild-'));
  try {
    const outfile = path.join(dir, 'extension.js');
    const [extension] = bundleOptions(production);
    await esbuild.build({ ...extension, outfile, sourcemap: false, metafile: false });
    return fs.readFileSync(outfile, 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('development-only code and the .vsix', function () {
  this.timeout(60_000);

  it("the development bundle has npm run try's sandbox connections; the production bundle has no trace of them", async () => {
    assert.match(await bundle(false), /SESSION_MANAGER_TRY_CONNECTIONS/);
    const production = await bundle(true);
    assert.doesNotMatch(production, /SESSION_MANAGER_TRY_CONNECTIONS|tryRunsAdded|npm run try/);
    assert.doesNotMatch(production, /SM_DEV_BUILD/);
  });
});
