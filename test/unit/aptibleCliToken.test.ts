import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readAptibleCliToken } from '../../src/connections/aptibleCliToken';

describe('Aptible CLI token import', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sm-aptible-'));
  const file = path.join(dir, 'tokens.json');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the token the aptible CLI saved for this auth URL', () => {
    fs.writeFileSync(file, JSON.stringify({ 'https://auth.aptible.com': 'tok-main', 'http://127.0.0.1:4482': 'tok-sandbox' }));
    assert.strictEqual(readAptibleCliToken('https://auth.aptible.com/', file, {}), 'tok-main');
    assert.strictEqual(readAptibleCliToken('http://127.0.0.1:4482', file, {}), 'tok-sandbox');
    assert.strictEqual(readAptibleCliToken('https://other.example', file, {}), undefined);
  });

  it('prefers APTIBLE_ACCESS_TOKEN, and copes with a missing or broken file', () => {
    assert.strictEqual(readAptibleCliToken('https://auth.aptible.com', file, { APTIBLE_ACCESS_TOKEN: 'tok-env' }), 'tok-env');
    assert.strictEqual(readAptibleCliToken('https://auth.aptible.com', path.join(dir, 'missing.json'), {}), undefined);
    fs.writeFileSync(file, '{not json');
    assert.strictEqual(readAptibleCliToken('https://auth.aptible.com', file, {}), undefined);
  });
});
