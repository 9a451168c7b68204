import * as assert from 'assert';
import * as path from 'path';
import {
  canRefresh,
  deleteConsequence,
  enrollmentCountText,
  enrollmentDescription,
  enrollmentFacts,
  expiryText,
  groupOf,
  isInside,
  jwtFileName,
  jwtSaveFolder,
  methodLabel,
  parseEnrollment,
  parseExpiry,
  shortDuration,
  subjectName,
  validateExpiry,
  ZitiEnrollment,
  zqlString,
} from '../../src/backends/ziti/enrollments/model';
import { qrContent, qrMatrix, QrPageOptions, qrSvg } from '../../src/backends/ziti/enrollments/qr';
import { renderPage } from '../../src/webviews/html';
import { isQrWebviewMessage } from '../../src/webviews/qr/protocol';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const H = 3600_000;
const JWT = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${'eyJlbSI6Im90dCIsImV4cCI6MTc0ODg2NTYwMCwiaXNzIjoiaHR0cHM6Ly9jdHJsOjEyODAiLCJqdGkiOiI5YjEiLCJzdWIiOiJmMDQ3YWM5NiJ9'}.${'A'.repeat(342)}`;

/** The page as the panel host (src/webviews/panelHost.ts) composes it: the shell and CSP of html.ts around the content. */
function renderQrPage(o: QrPageOptions & { cspSource: string; nonce: string; scriptUri: string; styleUri: string }): string {
  return renderPage({ cspSource: o.cspSource, nonce: o.nonce, styles: [o.styleUri], script: o.scriptUri, ...qrContent(o) });
}

function e(over: Partial<ZitiEnrollment>): ZitiEnrollment {
  return { id: 'e1', method: 'ott', expiresAt: new Date(NOW + 3 * 24 * H).toISOString(), identityId: 'i1', identity: { id: 'i1', name: 'alice-laptop' }, jwt: JWT, token: 'tok-secret-1', ...over };
}

describe('enrollments: descriptions and expiry', () => {
  it('says "expires in 3 d" and "expired 2 h ago"', () => {
    assert.strictEqual(expiryText(new Date(NOW + 3 * 24 * H).toISOString(), NOW), 'expires in 3 d');
    assert.strictEqual(expiryText(new Date(NOW - 2 * H).toISOString(), NOW), 'expired 2 h ago');
    assert.strictEqual(expiryText(new Date(NOW + 45 * 60_000).toISOString(), NOW), 'expires in 45 min');
    assert.strictEqual(expiryText(new Date(NOW + 10_000).toISOString(), NOW), 'expires in 1 min');
    assert.strictEqual(expiryText(undefined, NOW), 'no expiry date');
    assert.strictEqual(expiryText('garbage', NOW), 'no expiry date');
    assert.strictEqual(shortDuration(47 * H), '47 h');
    assert.strictEqual(shortDuration(48 * H), '2 d');
  });

  it('describes with the method first, and names identities and routers', () => {
    assert.strictEqual(enrollmentDescription(e({}), NOW), 'ott · expires in 3 d');
    assert.strictEqual(subjectName(e({})), 'alice-laptop');
    const router = e({ method: 'erott', identityId: undefined, identity: undefined, edgeRouterId: 'r1', edgeRouter: { id: 'r1', name: 'edge-east' } });
    assert.strictEqual(subjectName(router), 'edge-east');
    assert.strictEqual(subjectName(e({ identity: undefined })), 'identity i1');
    assert.strictEqual(canRefresh(router), false);
    assert.strictEqual(canRefresh(e({ method: 'updb' })), true);
  });

  it('puts id, expiry, CA and username in the tooltip facts, and never the token or JWT', () => {
    const facts = enrollmentFacts(e({ method: 'ottca', caId: 'ca1' }), NOW, 'corp-ca');
    const text = JSON.stringify(facts);
    assert.ok(text.includes('e1') && text.includes('corp-ca (ca1)') && text.includes('expires in 3 d'));
    assert.ok(!text.includes('tok-secret-1') && !text.includes('eyJ'));
    assert.ok(JSON.stringify(enrollmentFacts(e({ method: 'updb', username: 'carol' }), NOW)).includes('carol'));
  });

  it('groups by method or by identity', () => {
    assert.deepStrictEqual(groupOf(e({}), 'method'), { key: 'ott', label: 'ott' });
    assert.deepStrictEqual(groupOf(e({}), 'identity'), { key: 'i1', label: 'alice-laptop' });
    assert.strictEqual(groupOf(e({}), 'none'), undefined);
  });

  it('parses tolerantly', () => {
    assert.strictEqual(parseEnrollment(null), undefined);
    assert.strictEqual(parseEnrollment({ method: 'ott' }), undefined);
    assert.strictEqual(parseEnrollment({ id: 'x' })?.method, 'unknown');
  });
});

describe('enrollments: an unknown method or a field that is not text', () => {
  it('names an unknown method, even "constructor" or "__proto__", as the text it is', () => {
    for (const m of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'weird']) {
      assert.strictEqual(methodLabel(m), m);
      const facts = enrollmentFacts(e({ method: m }), NOW);
      assert.ok(facts.every(([k, v]) => typeof k === 'string' && typeof v === 'string'), `${m}: every fact is text`);
      assert.deepStrictEqual(facts.find(([k]) => k === 'Method'), ['Method', m]);
      assert.strictEqual(enrollmentDescription(e({ method: m }), NOW), `${m} · expires in 3 d`);
    }
    assert.strictEqual(methodLabel('ott'), 'one-time token (ott)');
  });

  it('drops fields that are not text instead of putting them in a tooltip', () => {
    const parsed = parseEnrollment({ id: 'e9', method: 'updb', username: 42, caId: { x: 1 }, createdAt: 7, identityId: 'i1', identity: { id: 'i1', name: 5 } });
    assert.ok(parsed);
    assert.strictEqual(parsed.username, undefined);
    assert.strictEqual(parsed.caId, undefined);
    assert.strictEqual(parsed.createdAt, undefined);
    assert.strictEqual(subjectName(parsed), 'identity i1', 'a name that is not text falls back to the id');
    for (const [k, v] of enrollmentFacts(parsed, NOW)) {
      assert.ok(typeof k === 'string' && typeof v === 'string', `${k} is text`);
    }
  });
});

describe('enrollments: where a JWT is saved', () => {
  it('starts outside every workspace folder', () => {
    const home = path.resolve('/home/ana');
    const downloads = path.join(home, 'Downloads');
    const tmp = path.resolve('/tmp');
    const exists = (): boolean => true;
    assert.strictEqual(jwtSaveFolder([downloads, home, tmp], [path.join(home, 'src', 'app')], exists), downloads);
    // A workspace that is the home folder (or contains Downloads): neither is offered.
    assert.strictEqual(jwtSaveFolder([downloads, home, tmp], [home], exists), tmp);
    assert.strictEqual(jwtSaveFolder([downloads, home, tmp], [downloads], exists), home);
    assert.strictEqual(jwtSaveFolder([downloads, home], [path.resolve('/')], exists), undefined);
    // A missing Downloads folder is skipped.
    assert.strictEqual(jwtSaveFolder([downloads, home], [], (p) => p !== downloads), home);
  });

  it('tells inside from outside', () => {
    assert.ok(isInside('/w/app/a.jwt', '/w/app', 'linux'));
    assert.ok(isInside('/w/app', '/w/app', 'linux'));
    assert.ok(!isInside('/w/application/a.jwt', '/w/app', 'linux'), 'a sibling with a longer name is outside');
    assert.ok(!isInside('/w/a.jwt', '/w/app', 'linux'));
  });
});

describe('enrollments: custom expiry and file names', () => {
  it('accepts dates, local times and RFC 3339, and only in the future', () => {
    assert.strictEqual(parseExpiry('2030-01-02 03:04'), new Date(2030, 0, 2, 3, 4).getTime());
    assert.strictEqual(parseExpiry('2030-01-02'), new Date(2030, 0, 2, 23, 59).getTime());
    assert.strictEqual(parseExpiry('2030-01-02T03:04:05Z'), Date.parse('2030-01-02T03:04:05Z'));
    assert.strictEqual(parseExpiry('2030-02-30'), undefined, 'no rolled-over dates');
    assert.strictEqual(parseExpiry('tomorrow'), undefined);
    assert.strictEqual(validateExpiry('2001-01-01', NOW), 'The expiry must lie in the future.');
    assert.match(validateExpiry('soon', NOW) ?? '', /YYYY-MM-DD/);
    assert.strictEqual(validateExpiry('2030-01-01', NOW), undefined);
  });

  it('names the file <identity>.jwt without path characters', () => {
    assert.strictEqual(jwtFileName('alice-laptop'), 'alice-laptop.jwt');
    assert.strictEqual(jwtFileName('../../etc/passwd'), 'etc-passwd.jwt');
    assert.strictEqual(jwtFileName('a:b*c?"d<e>|f\\g'), 'a-b-c-d-e-f-g.jwt');
    assert.strictEqual(jwtFileName(''), 'enrollment.jwt');
  });

  it('quotes ZitiQL strings', () => {
    assert.strictEqual(zqlString('a"b\\c'), '"a\\"b\\\\c"');
  });
});

describe('enrollments: QR code', () => {
  it('draws the JWT with the QR library as an SVG path of dark modules and no text', () => {
    const m = qrMatrix(JWT);
    assert.ok(m.length >= 21 && (m.length - 17) % 4 === 0, 'a valid QR size');
    assert.ok(m.every((row) => row.length === m.length));
    // The finder pattern's corner modules are dark.
    assert.ok(m[0][0] && m[0][m.length - 1] && m[m.length - 1][0]);
    const svg = qrSvg(m, 'QR <label>');
    assert.ok(svg.startsWith('<svg class="qr"'));
    assert.ok(!svg.includes('eyJ') && !svg.includes('<label>'));
  });

  it('renders a page with the secret warning and no JWT text', () => {
    const html = renderQrPage({
      cspSource: 'vscode-resource:',
      nonce: 'n0nce==',
      scriptUri: 'vscode-resource:/dist/webviews/qr.js',
      styleUri: 'vscode-resource:/media/qr.css',
      jwt: JWT,
      subject: '<img src=x onerror=alert(1)>',
      method: 'ott',
      connectionLabel: 'Lab',
      expiry: 'expires in 3 d',
    });
    assert.ok(!html.includes(JWT) && !html.includes('eyJ') && !html.includes('A'.repeat(40)));
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes("default-src 'none'") && html.includes('<script nonce="n0nce=="'));
    assert.ok(html.includes('This QR code is a secret'));
  });

  it('accepts only copy and save from the QR webview', () => {
    assert.ok(isQrWebviewMessage({ type: 'copy' }) && isQrWebviewMessage({ type: 'save' }));
    for (const bad of [null, { type: 'copy', jwt: 'x' }, { type: 'delete' }, 'copy']) {
      assert.ok(!isQrWebviewMessage(bad));
    }
  });
});

describe('enrollments: header count and delete wording', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const e = (id: string, method: string, expiresAt: string, identityId = 'i1'): ZitiEnrollment =>
    parseEnrollment({ id, method, expiresAt, identityId, identity: { id: identityId, name: 'alice' } }) as ZitiEnrollment;
  const live = e('e1', 'ott', '2026-01-02T00:00:00Z');
  const live2 = e('e2', 'updb', '2026-01-03T00:00:00Z');
  const old = e('e3', 'ottca', '2025-12-01T00:00:00Z');

  it('counts expired enrollments apart from outstanding ones, and says when not all are loaded', () => {
    assert.strictEqual(enrollmentCountText([live, live2, old], 3, now), '2 outstanding · 1 expired');
    assert.strictEqual(enrollmentCountText([live, live2], 2, now), '2 outstanding');
    assert.strictEqual(enrollmentCountText([live, old], 40, now), '1 outstanding · 1 expired · 2 of 40 loaded');
  });

  it('tells whether the identity can still enroll with another enrollment', () => {
    assert.match(deleteConsequence(live, [live], now), /cannot enroll until a new enrollment is created/);
    const withOther = deleteConsequence(live, [live, live2], now);
    assert.match(withOther, /alice can still enroll with its other enrollment \(updb, expires in/);
    assert.doesNotMatch(withOther, /cannot enroll/);
    assert.match(deleteConsequence(live, [live, old], now), /has another enrollment, but it has expired/);
  });
});
