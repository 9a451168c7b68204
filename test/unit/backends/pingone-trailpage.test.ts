// The PingOne session trail page (pure HTML builder) and the edge cases of the trail it draws: what each row says,
// the summary's counts and plurals, the warning marks, escaping, and the stops the trail keeps, merges or drops.
import * as assert from 'assert';
import { sessionTrail, formatDuration, type SessionTrail } from '../../../src/backends/pingone/trail';
import { trailContent, trailTitle, type TrailPageOptions } from '../../../src/backends/pingone/trailPage';

const T = Date.parse('2025-06-01T08:00:00.000Z');
const at = (min: number): string => new Date(T + min * 60_000).toISOString();

function page(trail: SessionTrail, extra: Partial<TrailPageOptions> = {}): string {
  return trailContent({ trail, sessionLabel: 'Chrome on macOS', sessionId: 'sess-1', userName: 'ada', environmentName: 'Prod', connectionLabel: 'P1', ...extra }).body;
}

/** The table rows: the class of each <tr> and the text of its cells (tags stripped, entities kept). */
function rows(body: string): { cls: string; cells: string[] }[] {
  const tbody = /<tbody>\n([\s\S]*?)\n\s*<\/tbody>/.exec(body);
  assert.ok(tbody, 'a tbody');
  return [...tbody[1].matchAll(/<tr class="([^"]*)">([\s\S]*?)<\/tr>/g)].map((m) => ({
    cls: m[1],
    cells: [...m[2].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')),
  }));
}

function summary(body: string): RegExpExecArray {
  const m = /<p class="(summary[^"]*)" role="status">([\s\S]*?)<\/p>/.exec(body);
  assert.ok(m, 'a summary paragraph');
  return m;
}

describe('backends/pingone trail page: rows and summary', () => {
  // sign-on, then a location at the same address, a move, a fast change of country, and a slow one without an IP.
  const trail = sessionTrail({
    lastSignOn: { at: at(0), remoteIp: '203.0.113.7' },
    locations: [
      { at: at(1), remoteIp: '203.0.113.7', city: 'tacoma', state: 'washington', country: 'united states' },
      { at: at(30), remoteIp: '203.0.113.9', city: 'austin', state: 'texas', country: 'united states' },
      { at: at(60), remoteIp: '81.2.69.160', city: 'london', state: 'england', country: 'united kingdom' },
      { at: at(240), city: 'berlin', country: 'germany' },
    ],
  });

  it('draws one row per stop with its time, kind, place, address, gap and note', () => {
    const body = page(trail);
    assert.deepStrictEqual(rows(body), [
      { cls: '', cells: ['2025-06-01 08:00:00 UTC', 'Sign-on', '—', '203.0.113.7', '—', ''] },
      { cls: '', cells: ['2025-06-01 08:01:00 UTC', 'Location', 'Tacoma, Washington, United States', '203.0.113.7', '1 min', ''] },
      { cls: '', cells: ['2025-06-01 08:30:00 UTC', 'Location', 'Austin, Texas, United States', '203.0.113.9', '29 min', 'Moved'] },
      { cls: 'too-fast', cells: ['2025-06-01 09:00:00 UTC', 'Location', 'London, England, United Kingdom', '81.2.69.160', '30 min', '⚠ Country changed within 30 min, faster than 2 h'] },
      { cls: '', cells: ['2025-06-01 12:00:00 UTC', 'Location', 'Berlin, Germany', '—', '3 h', 'Country changed after 3 h'] },
    ]);
    assert.match(body, /<time datetime="2025-06-01T08:00:00.000Z">2025-06-01 08:00:00 UTC<\/time>/);
    assert.match(body, /<span class="warn" role="img" aria-label="Warning">⚠<\/span> Country changed within 30 min/);
  });

  it('counts the points and the fast changes in the summary, with the warning mark', () => {
    const body = page(trail);
    const [, cls, text] = summary(body);
    assert.strictEqual(cls, 'summary has-warnings');
    assert.strictEqual(
      text,
      '<span class="warn" aria-hidden="true">⚠</span> 5 recorded points (PingOne keeps the last 5 locations and the last sign-on); 1 change of country faster than 2 h.',
    );
  });

  it('uses the plural for several fast changes and the singular for one point, and no mark without warnings', () => {
    const two = sessionTrail({
      locations: [
        { at: at(0), country: 'france' },
        { at: at(10), country: 'germany' },
        { at: at(20), country: 'france' },
      ],
    });
    assert.strictEqual(summary(page(two))[2], '<span class="warn" aria-hidden="true">⚠</span> 3 recorded points (PingOne keeps the last 5 locations and the last sign-on); 2 changes of country faster than 2 h.');
    const one = sessionTrail({ locations: [{ at: at(0), remoteIp: '198.51.100.1' }] });
    const [, cls, text] = summary(page(one));
    assert.strictEqual(cls, 'summary');
    assert.strictEqual(text, '1 recorded point (PingOne keeps the last 5 locations and the last sign-on).');
    const body = page(one);
    assert.ok(!body.includes('⚠'), 'no warning mark anywhere');
    assert.ok(!body.includes('class="ended"'), 'no "ended" line while the session lives');
    assert.deepStrictEqual(rows(body), [{ cls: '', cells: ['2025-06-01 08:00:00 UTC', 'Location', '198.51.100.1', '198.51.100.1', '—', ''] }]);
  });

  it('says when PingOne recorded nothing (an empty table, no counts)', () => {
    const body = page(sessionTrail({}));
    const [, cls, text] = summary(body);
    assert.strictEqual(cls, 'summary');
    assert.strictEqual(text, 'PingOne recorded no locations for this session.');
    assert.deepStrictEqual(rows(body), []);
  });

  it('gives the plain-text lines one per line in the text alternative, escaped', () => {
    const t = sessionTrail({ locations: [{ at: at(0), remoteIp: '198.51.100.1', city: 'a<b' }, { at: at(5), remoteIp: '198.51.100.2', city: 'c&d' }] });
    assert.strictEqual(t.lines.length, 2);
    const pre = /<pre>([\s\S]*?)<\/pre>/.exec(page(t));
    assert.ok(pre);
    assert.strictEqual(pre[1], t.lines.map((l) => l.replace(/</g, '&#60;').replace(/&(?!#)/g, '&#38;')).join('\n'));
    assert.ok(pre[1].includes('A&#60;b'));
  });

  it('names the session, person, environment and connection in the header, and the title', () => {
    const body = page(trail, { ended: 'Revoked at 10:00 <by you>' });
    assert.match(body, /<h1>Session trail: Chrome on macOS — ada<\/h1>/);
    assert.match(body, /<p class="meta">Session sess-1 of ada in Prod on P1 \(PingOne\)<\/p>/);
    assert.match(body, /<p class="ended" role="status">Revoked at 10:00 &#60;by you&#62;<\/p>/);
    assert.strictEqual(trailTitle('Chrome', 'ada'), 'Session trail: Chrome — ada');
  });
});

describe('backends/pingone trail: edge cases', () => {
  it('keeps the sign-on as its own stop unless a location records that moment from that address', () => {
    // same moment, other address: both, the sign-on first although PingOne lists the location first
    const a = sessionTrail({ lastSignOn: { at: at(0), remoteIp: '203.0.113.7' }, locations: [{ at: at(0), remoteIp: '198.51.100.1', city: 'tacoma' }] });
    assert.deepStrictEqual(a.stops.map((s) => [s.kind, s.remoteIp]), [['signOn', '203.0.113.7'], ['location', '198.51.100.1']]);
    // same address, later moment: both
    const b = sessionTrail({ lastSignOn: { at: at(0), remoteIp: '203.0.113.7' }, locations: [{ at: at(5), remoteIp: '203.0.113.7', city: 'tacoma' }] });
    assert.deepStrictEqual(b.stops.map((s) => s.kind), ['signOn', 'location']);
    // one of two locations is the sign-on: merged
    const c = sessionTrail({
      lastSignOn: { at: at(0), remoteIp: '203.0.113.7' },
      locations: [{ at: at(0), remoteIp: '203.0.113.7', city: 'tacoma' }, { at: at(9), remoteIp: '198.51.100.1', city: 'austin' }],
    });
    assert.deepStrictEqual(c.stops.map((s) => s.kind), ['location', 'location']);
  });

  it('shows a sign-on without an address as unknown, and a location without place or address as unknown', () => {
    const t = sessionTrail({ lastSignOn: { at: at(0) }, locations: [{ at: at(3) }] });
    assert.deepStrictEqual(t.stops.map((s) => s.place), ['unknown address', 'unknown place']);
    assert.deepStrictEqual(t.lines, ['2025-06-01 08:00:00 UTC  sign-on from an unknown address', '2025-06-01 08:03:00 UTC  unknown place — 3 min after the previous']);
  });

  it('trims the API strings and treats blank ones as missing', () => {
    const t = sessionTrail({ locations: [{ at: at(0), remoteIp: '  ', city: ' tacoma ', country: '   ' }, { at: at(1), remoteIp: ' 198.51.100.1 ' }] });
    assert.strictEqual(t.stops[0].remoteIp, undefined);
    assert.strictEqual(t.stops[0].city, 'tacoma');
    assert.strictEqual(t.stops[0].country, undefined);
    assert.strictEqual(t.stops[0].place, 'Tacoma');
    assert.strictEqual(t.stops[1].remoteIp, '198.51.100.1');
    assert.strictEqual(t.lines[0], '2025-06-01 08:00:00 UTC  Tacoma');
    assert.deepStrictEqual(rows(page(t))[0].cells.slice(2, 4), ['Tacoma', '—']);
  });

  it('drops entries that are not locations with a time', () => {
    const t = sessionTrail({ locations: [null, 'x', { at: 5 }, { at: 'not a date' }, { at: at(2), city: 'lyon' }] as never });
    assert.deepStrictEqual(t.stops.map((s) => s.place), ['Lyon']);
  });

  it('decides "moved" by a changed address or a changed place between locations, not by the sign-on having no place', () => {
    const moved = (locs: object[], lastSignOn?: object): boolean[] => sessionTrail({ locations: locs as never, lastSignOn: lastSignOn as never }).stops.map((s) => s.moved);
    // same place, other address
    assert.deepStrictEqual(moved([{ at: at(0), remoteIp: '198.51.100.1', city: 'tacoma' }, { at: at(1), remoteIp: '198.51.100.2', city: 'tacoma' }]), [false, true]);
    // same address, other place
    assert.deepStrictEqual(moved([{ at: at(0), remoteIp: '198.51.100.1', city: 'tacoma' }, { at: at(1), remoteIp: '198.51.100.1', city: 'austin' }]), [false, true]);
    // same place, one address missing: not moved
    assert.deepStrictEqual(moved([{ at: at(0), remoteIp: '198.51.100.1', city: 'tacoma' }, { at: at(1), city: 'Tacoma' }]), [false, false]);
    assert.deepStrictEqual(moved([{ at: at(0), city: 'tacoma' }, { at: at(1), remoteIp: '198.51.100.1', city: 'tacoma' }]), [false, false]);
    // the parts of the place are compared one by one
    assert.deepStrictEqual(moved([{ at: at(0), remoteIp: '198.51.100.1', city: 'ab', state: 'c' }, { at: at(1), remoteIp: '198.51.100.1', city: 'a', state: 'bc' }]), [false, true]);
    // a sign-on from the same address after a location: not moved although it has no place
    assert.deepStrictEqual(moved([{ at: at(0), remoteIp: '198.51.100.1', city: 'tacoma' }], { at: at(10), remoteIp: '198.51.100.1' }), [false, false]);
  });

  it('warns only for a change strictly faster than the threshold, and ignores a threshold that is not positive', () => {
    const t = (h?: number): boolean[] =>
      sessionTrail({ locations: [{ at: at(0), country: 'france' }, { at: at(120), country: 'germany' }] }, { fastCountryChangeHours: h }).stops.map((s) => s.tooFast);
    assert.deepStrictEqual(t(), [false, false], 'exactly 2 h is not faster than 2 h');
    assert.deepStrictEqual(t(2.01), [false, true]);
    const zero = sessionTrail({ locations: [] }, { fastCountryChangeHours: 0 });
    assert.strictEqual(zero.fastCountryChangeHours, 2);
  });

  it('formats a day exactly as days', () => {
    assert.strictEqual(formatDuration(24 * 3_600_000), '1 d');
    assert.strictEqual(formatDuration(23 * 3_600_000 + 59 * 60_000), '23 h 59 min');
  });
});
