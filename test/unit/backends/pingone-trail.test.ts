// The PingOne session trail (pure): locations and last sign-on in time order, the time between them, and the
// warning when the country changes faster than the threshold.
import * as assert from 'assert';
import {
  DEFAULT_FAST_COUNTRY_CHANGE_HOURS,
  formatDuration,
  formatUtc,
  placeOf,
  sessionTrail,
  titleCase,
} from '../../../src/backends/pingone/trail';

const T = Date.parse('2025-06-01T08:00:00.000Z');
const at = (min: number): string => new Date(T + min * 60_000).toISOString();

describe('backends/pingone/trail', () => {
  it('orders the locations by time (whatever order PingOne sends), adds the sign-on, and gives the time between stops', () => {
    const trail = sessionTrail({
      lastSignOn: { at: at(0), remoteIp: '203.0.113.7' },
      locations: [
        { at: at(90), remoteIp: '203.0.113.9', city: 'austin', state: 'texas', country: 'united states' },
        { at: at(1), remoteIp: '203.0.113.7', city: 'tacoma', state: 'washington', country: 'united states' },
        { at: at(30), remoteIp: '203.0.113.7', city: 'tacoma', state: 'washington', country: 'united states' },
      ],
    });
    assert.deepStrictEqual(
      trail.stops.map((s) => [s.kind, s.at, s.sincePreviousMs, s.moved, s.countryChanged, s.tooFast]),
      [
        ['signOn', at(0), undefined, false, false, false],
        ['location', at(1), 60_000, false, false, false],
        ['location', at(30), 29 * 60_000, false, false, false],
        ['location', at(90), 60 * 60_000, true, false, false],
      ],
    );
    assert.strictEqual(trail.stops[1].place, 'Tacoma, Washington, United States');
    assert.strictEqual(trail.stops[0].place, '203.0.113.7');
    assert.strictEqual(trail.warnings, 0);
    assert.strictEqual(trail.fastCountryChangeHours, DEFAULT_FAST_COUNTRY_CHANGE_HOURS);
    assert.deepStrictEqual(trail.lines, [
      '2025-06-01 08:00:00 UTC  sign-on from 203.0.113.7',
      '2025-06-01 08:01:00 UTC  Tacoma, Washington, United States (203.0.113.7) — 1 min after the previous',
      '2025-06-01 08:30:00 UTC  Tacoma, Washington, United States (203.0.113.7) — 29 min after the previous',
      '2025-06-01 09:30:00 UTC  Austin, Texas, United States (203.0.113.9) — 1 h after the previous, moved',
    ]);
  });

  it('marks a change of country faster than the threshold (default 2 h), and not a slower one', () => {
    const session = {
      locations: [
        { at: at(0), remoteIp: '203.0.113.7', city: 'tacoma', state: 'washington', country: 'united states' },
        { at: at(35), remoteIp: '81.2.69.160', city: 'london', state: 'england', country: 'united kingdom' },
        { at: at(35 + 180), remoteIp: '62.1.1.1', city: 'berlin', state: 'berlin', country: 'germany' },
      ],
    };
    const trail = sessionTrail(session);
    assert.deepStrictEqual(
      trail.stops.map((s) => [s.countryChanged, s.countryChangeAfterMs, s.tooFast]),
      [
        [false, undefined, false],
        [true, 35 * 60_000, true],
        [true, 180 * 60_000, false],
      ],
    );
    assert.strictEqual(trail.warnings, 1);
    assert.match(trail.lines[1], /London, England, United Kingdom \(81\.2\.69\.160\) — 35 min after the previous, moved — WARNING: the country changed within 35 min \(faster than 2 h\)$/);
    assert.doesNotMatch(trail.lines[2], /WARNING/);
    // A stricter or looser threshold, as the setting gives it.
    assert.strictEqual(sessionTrail(session, { fastCountryChangeHours: 4 }).warnings, 2);
    assert.strictEqual(sessionTrail(session, { fastCountryChangeHours: 0.5 }).warnings, 0);
    // Nonsense falls back to the default.
    assert.strictEqual(sessionTrail(session, { fastCountryChangeHours: -1 }).fastCountryChangeHours, 2);
    assert.strictEqual(sessionTrail(session, { fastCountryChangeHours: Number.NaN }).warnings, 1);
  });

  it('measures a country change from the last stop with a known country (a sign-on in between has none)', () => {
    const trail = sessionTrail({
      lastSignOn: { at: at(100), remoteIp: '81.2.69.160' },
      locations: [
        { at: at(0), remoteIp: '203.0.113.7', city: 'tacoma', country: 'united states' },
        { at: at(150), remoteIp: '81.2.69.160', city: 'london', country: 'united kingdom' },
      ],
    });
    assert.deepStrictEqual(
      trail.stops.map((s) => [s.kind, s.sincePreviousMs, s.countryChangeAfterMs, s.tooFast]),
      [
        ['location', undefined, undefined, false],
        ['signOn', 100 * 60_000, undefined, false],
        ['location', 50 * 60_000, 150 * 60_000, false],
      ],
    );
  });

  it('does not repeat the sign-on when a location records the same moment and address; skips broken locations', () => {
    const trail = sessionTrail({
      lastSignOn: { at: at(0), remoteIp: '203.0.113.7' },
      locations: [
        { at: at(0), remoteIp: '203.0.113.7', city: 'tacoma', country: 'united states' },
        { at: 'not a date', city: 'nowhere' },
        undefined as never,
        { remoteIp: '1.2.3.4' },
      ],
    });
    assert.deepStrictEqual(
      trail.stops.map((s) => s.kind),
      ['location'],
    );
    assert.deepStrictEqual(sessionTrail({}).stops, []);
    assert.deepStrictEqual(sessionTrail({ locations: 'junk' as never }).lines, []);
  });

  it('keeps hostile strings as plain text (the panel escapes them); places without names fall back to the IP', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const trail = sessionTrail({ locations: [{ at: at(0), remoteIp: '10.0.0.1', city: evil, country: 'x' }, { at: at(1), remoteIp: '10.0.0.2' }] });
    assert.strictEqual(trail.stops[0].city, evil);
    assert.strictEqual(trail.stops[1].place, '10.0.0.2');
    assert.strictEqual(trail.stops[1].countryChanged, false, 'an unknown country is no change');
  });

  it('formats durations, UTC times, places and title case', () => {
    assert.deepStrictEqual(
      [12_000, 59_400, 60_000, 45 * 60_000, 2 * 3_600_000, 125 * 60_000, 26 * 3_600_000, 72 * 3_600_000, -5].map(formatDuration),
      ['12 s', '59 s', '1 min', '45 min', '2 h', '2 h 5 min', '1 d 2 h', '3 d', '0 s'],
    );
    assert.strictEqual(formatUtc(T), '2025-06-01 08:00:00 UTC');
    assert.strictEqual(titleCase('são paulo'), 'São Paulo');
    assert.strictEqual(titleCase('auvergne-rhone-alpes'), 'Auvergne-Rhone-Alpes');
    assert.strictEqual(placeOf({ city: 'singapore', state: 'singapore', country: 'singapore' }), 'Singapore');
    assert.strictEqual(placeOf({ city: 'lyon', region: 'auvergne-rhone-alpes', country: 'france' }), 'Lyon, Auvergne-Rhone-Alpes, France');
    assert.strictEqual(placeOf({}), undefined);
  });
});

describe('backends/pingone trail page', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { trailContent } = require('../../../src/backends/pingone/trailPage') as typeof import('../../../src/backends/pingone/trailPage');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { sessionTrail: trailOf } = require('../../../src/backends/pingone/trail') as typeof import('../../../src/backends/pingone/trail');
  const hostile = '<img src=x onerror=alert(1)>';

  it('escapes every string from the API and the connection, and marks the too-fast change', () => {
    const trail = trailOf({
      locations: [
        { at: '2025-06-01T09:00:00.000Z', remoteIp: '203.0.113.7', city: hostile, country: 'united states' },
        { at: '2025-06-01T09:20:00.000Z', remoteIp: `198.51.100.9"><script>`, city: 'berlin', country: 'germany' },
      ],
    });
    const page = trailContent({ trail, sessionLabel: hostile, sessionId: 's"1', userName: `</h1>${hostile}`, environmentName: '&amp;', connectionLabel: "O'Neil <lab>" });
    for (const raw of [hostile, '<script>', '</h1><img', "O'Neil <lab>", '198.51.100.9"><script>']) {
      assert.ok(!page.body.includes(raw), `unescaped: ${raw}`);
    }
    assert.ok(page.body.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(page.body.includes('&#38;amp;'), 'an entity in a name is shown as typed');
    assert.match(page.body, /<tr class="too-fast">/);
    assert.match(page.body, /Country changed within 20 min, faster than 2 h/);
    assert.strictEqual(page.title, `Session trail: ${hostile} — </h1>${hostile}`, 'the title is plain text (the shell escapes it)');
  });

  it('says when PingOne recorded nothing, and when the session ended', () => {
    const page = trailContent({ trail: trailOf({}), sessionLabel: 'Chrome', sessionId: 's', userName: 'u', environmentName: 'e', connectionLabel: 'c', ended: 'This session was revoked.' });
    assert.match(page.body, /PingOne recorded no locations for this session\./);
    assert.match(page.body, /<p class="ended" role="status">This session was revoked\.<\/p>/);
  });
});
