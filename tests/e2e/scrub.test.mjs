// Planted secrets: with default options none of them may reach the server, and Relay's own
// default scrubbing (pii_strip_event) must find nothing left to remove in what tattle sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { relayCheck, piiStripCheck, formatProblems } from '../support/relay.mjs';
import { startStack } from '../support/stack.mjs';

// kind → the secret. Key-based secrets are found by the key they are stored under, pattern-based
// ones by their shape; each value is unique so a leak names its kind.
const BY_KEY = {
  password: 'pw-hunter2-k1', passwd: 'pw-k2-passwd', secret: 'sec-k3-value', api_key: 'ak-k4-value',
  apikey: 'ak-k5-value', 'x-api-key': 'ak-k6-value', authorization: 'auth-k7-value', credentials: 'cred-k8-value',
  mysql_pwd: 'mysql-k9-value', privatekey: 'pk-k10-value', private_key: 'pk-k11-value', access_token: 'tok-k12-value',
  otp: '493027', two_factor_code: 'tfa-k14-value', sessionid: 'sess-k15-value', PHPSESSID: 'php-k16-value',
  csrftoken: 'csrf-k17-value', 'X-XSRF-TOKEN': 'xsrf-k18-value', client_secret: 'cs-k19-value',
};
const BY_SHAPE = {
  visa: '4111 1111 1111 1111',
  amex: '378282246310005',
  mastercard_dashes: '5555-5555-5555-4444',
  iban_de: 'DE89 3704 0044 0532 0130 00',
  iban_gb: 'GB82WEST12345698765432',
  pem: 'MIIEowIBAAKCAQEAplantedPEMbody0123456789',
  bearer: 'plantedBearerTok.abc-123',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.cGxhbnRlZHNpZw',
  url_userinfo: 'dbuser:dbpass-planted',
  ssn: '078-05-1120',
  home_linux: 'alicelinux',
  home_mac: 'bobmacuser',
  home_windows: 'carolwinuser',
  ipv4: '203.0.113.77',
  ipv6: '2001:db8:85a3::8a2e:370:7334',
  email: 'planted.person@example.org',
  custom_order: 'ORD-482913', // the page's own scrubbing pattern
};
const textWithPatterns = [
  `card ${BY_SHAPE.visa}`, `amex ${BY_SHAPE.amex}`, `mc ${BY_SHAPE.mastercard_dashes}`,
  `iban ${BY_SHAPE.iban_de}`, `iban2 ${BY_SHAPE.iban_gb}`,
  `-----BEGIN RSA PRIVATE KEY-----\n${BY_SHAPE.pem}\n-----END RSA PRIVATE KEY-----`,
  `Authorization: Bearer ${BY_SHAPE.bearer}`, `jwt ${BY_SHAPE.jwt}`,
  `postgres://${BY_SHAPE.url_userinfo}@db.internal/app`, `ssn ${BY_SHAPE.ssn}`,
  `/home/${BY_SHAPE.home_linux}/app/main.js`, `/Users/${BY_SHAPE.home_mac}/Library/x`,
  `C:\\Users\\${BY_SHAPE.home_windows}\\AppData\\x.js`, `client ${BY_SHAPE.ipv4}`, `v6 ${BY_SHAPE.ipv6}`,
  `contact ${BY_SHAPE.email}`, `order ${BY_SHAPE.custom_order}`,
].join(' | ');

let stack, bugsink, recorder, browser;
before(async () => {
  stack = await startStack();
  ({ bugsink, recorder, browser } = stack);
});
after(() => stack?.stop());

test(`${Object.keys(BY_KEY).length + Object.keys(BY_SHAPE).length} kinds of planted secrets never reach the server`, async () => {
  assert.ok(Object.keys(BY_KEY).length + Object.keys(BY_SHAPE).length >= 30);
  const page = await browser.newPage();
  // Secrets in the page URL's query string too.
  await page.goto(`${stack.pageUrl('secrets.html')}&token=url-tok-planted&api_key=url-ak-planted`);
  await page.waitForFunction(() => window.pageReady === true);
  const ids = await page.evaluate(({ byKey, text }) => {
    const T = window.Tattle;
    T.setTags({ ...Object.fromEntries(Object.entries(byKey).slice(0, 5)), note: text.slice(0, 150) });
    T.setExtras({ ...byKey, text });
    T.setContext('form', { fields: byKey, comment: text, nested: { deeper: { auth_header: 'deep-auth-planted' } } });
    T.addBreadcrumb({ category: 'http', message: text, data: { url: `/api?password=crumb-pw-planted&q=1`, headers: { Authorization: 'Basic crumb-basic-planted', Cookie: 'sessionid=crumb-sess-planted' } } });
    T.setUser({ id: 'u-1', ip_address: '198.51.100.9' });
    const a = T.captureException(new Error(`failed for ${text}`));
    const b = T.captureMessage(`message ${text}`, 'warning');
    return [a, b];
  }, { byKey: BY_KEY, text: textWithPatterns });
  assert.equal(await page.evaluate(() => Tattle.flush(5000)), true);

  const stored = [];
  for (const id of ids) stored.push((await bugsink.findEvent(id)).data);
  const wire = recorder.bodies.map((b) => b.body.toString('utf8')).join('\n');
  const serverSide = JSON.stringify(stored);
  const secrets = [...Object.values(BY_KEY), ...Object.values(BY_SHAPE), 'url-tok-planted', 'url-ak-planted',
    'deep-auth-planted', 'crumb-pw-planted', 'crumb-basic-planted', 'crumb-sess-planted', '198.51.100.9'];
  const leaked = secrets.filter((s) => wire.includes(s) || serverSide.includes(s)
    || wire.includes(JSON.stringify(s).slice(1, -1)));
  assert.deepEqual(leaked, [], `secrets that left the page: ${leaked.join(', ')}`);
  // What stayed is still useful: the keys, the replacement marker, the non-secret text.
  assert.match(serverSide, /"password":"\[Filtered\]"/);
  assert.match(serverSide, /token=\[Filtered\]/);
  assert.match(serverSide, /\/home\/\[user\]\/app\/main\.js/);
  assert.equal(stored[0].user.id, 'u-1');
  // The page's server address is not personal data (Relay leaves it, as piiStripCheck below
  // confirms): hosts in URLs stay (frames' and breadcrumbs' URLs go through the same code, see
  // src/scrub/tests.rs), while the user's IP above went.
  assert.match(stored[0].request.url, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(stored[0].tags.saw_order, 'no', 'custom patterns ran before beforeSend');

  const valid = await relayCheck(recorder.bodies.map((b) => b.body));
  assert.ok(valid.ok, formatProblems(valid.problems));
  const relay = await piiStripCheck(stored);
  assert.ok(relay.ok, `Relay's default scrubbing would still change:\n${formatProblems(relay.problems)}`);
});
