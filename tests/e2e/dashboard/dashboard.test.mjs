// Browser test of Rotor's dashboard (/_rotor/ui): a real rotor with a virtual clock, a key with an
// alias and rotation on, headless Debian chromium driven by puppeteer-core. Clicks "+365 days" and
// checks that the key's timeline shows AUTOMATIC rotations, then saves a screenshot. A second rotor
// in strict mode (--auth strict, SigV4-signed calls from the AWS SDK for JavaScript) shows a key's
// policy and the access denials the audit trail recorded for it.
// Env: ROTOR_BIN (default <repo>/build/rotor), CHROMIUM (default /usr/bin/chromium),
//      ROTOR_SCREENSHOT_DIR (default: a new temp dir; the path is printed).

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { GenerateDataKeyCommand, CreateKeyCommand, EncryptCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import puppeteer from 'puppeteer-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROTOR_BIN = process.env.ROTOR_BIN || path.resolve(HERE, '../../../build/rotor');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ALIAS = 'alias/dashboard-demo';
// User input that must come out as text, never as markup.
const DESCRIPTION = '<img src=x onerror="window.__xss=1"> payments & <b>reports</b>';

let rotor; let base; let browser; let profileDir; let keyId;
const pageErrors = [];

function startRotor(extraArgs = []) {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ROTOR_')));
    const proc = spawn(ROTOR_BIN, ['--host', '127.0.0.1', '--port', '0', '--in-memory', '--clock', 'virtual',
      '--rotation-jitter', '0', ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`rotor did not start: ${out}`)); }, 10_000);
    const onData = (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)[^\n]*\n/.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc, base: m[1], startLine: m[0].trim() }); }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`rotor exited (${code}): ${out}`)); });
    proc.once('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

async function kms(action, body) {
  const res = await fetch(`${base}/`, {
    method: 'POST', signal: AbortSignal.timeout(10_000),
    headers: { 'X-Amz-Target': `TrentService.${action}`, 'Content-Type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });
  const data = await res.json();
  assert.equal(res.status, 200, `${action}: ${JSON.stringify(data)}`);
  return data;
}

before(async () => {
  ({ proc: rotor, base } = await startRotor());
  keyId = (await kms('CreateKey', { Description: DESCRIPTION })).KeyMetadata.KeyId;
  await kms('CreateAlias', { AliasName: ALIAS, TargetKeyId: keyId });
  await kms('EnableKeyRotation', { KeyId: keyId, RotationPeriodInDays: 90 });
  await kms('CreateGrant', { KeyId: keyId, GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
    Operations: ['Encrypt', 'Decrypt'], Name: 'dashboard-grant', Constraints: { EncryptionContextSubset: { app: 'ui' } } });
  profileDir = mkdtempSync(path.join(os.tmpdir(), 'rotor-dashboard-profile-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM, userDataDir: profileDir, timeout: 30_000,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--window-size=1280,800'],
  });
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (rotor && rotor.exitCode === null) rotor.kill('SIGTERM');
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

async function openDashboard(url) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.setDefaultTimeout(15_000);
  // No smooth scrolling: puppeteer clicks where an element is when it looks, and a page still
  // scrolling to the key it just opened would move the target away (the clicks went astray).
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }]);
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('dialog', async (d) => { pageErrors.push(`unexpected dialog: ${d.message()}`); await d.dismiss(); });
  page.on('requestfailed', (r) => pageErrors.push(`request failed: ${r.url()}`));
  // The page runs under its own Content-Security-Policy (default-src 'self'): nothing it needs is blocked.
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) pageErrors.push(`CSP: ${m.text()}`);
  });
  const res = await page.goto(url, { waitUntil: 'load' });
  assert.equal(res.status(), 200, `GET ${url}`);
  assert.equal(res.headers()['content-security-policy'], "default-src 'self'; frame-ancestors 'none'");
  assert.equal(res.headers()['x-frame-options'], 'DENY');
  return page;
}

test('the dashboard loads at /_rotor/ui and at /_rotor/ui/ with all its assets', async () => {
  for (const url of [`${base}/_rotor/ui`, `${base}/_rotor/ui/`]) {
    const page = await openDashboard(url);
    await page.waitForSelector(`tr[data-key-id="${keyId}"]`);
    assert.ok(await page.$eval('#now', (e) => /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/.test(e.textContent)), 'clock shown');
    assert.equal(await page.$eval('#clock-kind', (e) => e.textContent), 'virtual clock');
    await page.close();
  }
  assert.deepEqual(pageErrors, []);
});

test('clicking +365 days shows the AUTOMATIC rotations on the key timeline', async () => {
  const page = await openDashboard(`${base}/_rotor/ui`);
  const row = await page.waitForSelector(`tr[data-key-id="${keyId}"]`);
  const rowText = await row.evaluate((e) => e.innerText);
  assert.match(rowText, /alias\/dashboard-demo/);
  assert.match(rowText, /Enabled/);
  assert.match(rowText, /On, every 90 d/);

  // Open the key: its description is shown as text, never parsed as HTML.
  await row.click();
  await page.waitForSelector('#timeline li');
  const detail = await page.$eval('#detail', (e) => ({ text: e.innerText, imgs: e.querySelectorAll('img, b').length }));
  assert.ok(detail.text.includes(DESCRIPTION), `description rendered as text: ${detail.text}`);
  assert.equal(detail.imgs, 0, 'no markup from user input');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.doesNotMatch(await page.$eval('#timeline', (e) => e.innerText), /AUTOMATIC/);
  assert.equal(await page.$$eval('#versions tbody tr', (rows) => rows.length), 1);
  // The key's grants: name, grantee, operations and constraint.
  assert.equal(await page.$$eval('#grants tbody tr', (rows) => rows.length), 1);
  assert.match(await page.$eval('#grants tbody', (e) => e.innerText),
    /dashboard-grant[\s\S]*arn:aws:iam::111122223333:role\/app[\s\S]*Encrypt, Decrypt[\s\S]*subset \{"app":"ui"\}/);

  await page.click('button[data-advance="365d"]');
  await page.waitForFunction(() => /AUTOMATIC/.test(document.querySelector('#timeline')?.innerText || '') &&
                                   !document.querySelector('#banner').hidden);
  const banner = await page.$eval('#banner', (e) => e.innerText);
  assert.match(banner, /4 events fired/, banner);
  assert.match(banner, /RotateKey/);
  const fired = await page.$$eval('#timeline li.fired', (items) => items.map((li) => li.innerText));
  assert.equal(fired.length, 4, `highlighted rotations: ${fired.join(' | ')}`);
  for (const item of fired) assert.match(item, /AUTOMATIC rotation/);
  assert.equal(await page.$$eval('#versions tbody tr', (rows) => rows.length), 5);
  const newRow = await page.$eval(`tr[data-key-id="${keyId}"]`, (e) => ({ cls: e.className, text: e.innerText }));
  assert.match(newRow.cls, /fired/);
  assert.match(newRow.text, /ROTATED/);

  // The page agrees with the API it reads.
  const keys = await (await fetch(`${base}/_rotor/keys`)).json();
  assert.equal(keys.keys.find((k) => k.keyId === keyId).versions, 5);

  const dir = process.env.ROTOR_SCREENSHOT_DIR || mkdtempSync(path.join(os.tmpdir(), 'rotor-dashboard-shot-'));
  const file = path.join(dir, 'dashboard-after-365d.png');
  await page.evaluate(() => document.querySelector('#detail .columns').scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: file });
  const png = readFileSync(file);
  assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature');
  assert.equal(png.readUInt32BE(16), 1280, 'PNG width');
  assert.equal(png.readUInt32BE(20), 800, 'PNG height');
  assert.ok(statSync(file).size > 20_000, `screenshot too small to show anything: ${statSync(file).size} bytes`);
  console.log(`screenshot: ${file}`);
  await page.close();
  assert.deepEqual(pageErrors, []);
});

test('related multi-Region keys are shown together, and each key page links its related keys', async () => {
  const mrk = (await kms('CreateKey', { Description: 'multi-Region', MultiRegion: true })).KeyMetadata.KeyId;
  await kms('ReplicateKey', { KeyId: mrk, ReplicaRegion: 'eu-west-1' });
  await kms('ReplicateKey', { KeyId: mrk, ReplicaRegion: 'ap-southeast-2' });
  const page = await openDashboard(`${base}/_rotor/ui`);
  const set = await page.waitForSelector(`#multi-region tr[data-key-id="${mrk}"]`);
  const setText = await set.evaluate((e) => e.innerText);
  assert.match(setText, /us-east-1 PRIMARY Enabled v1/);
  assert.match(setText, /ap-southeast-2 REPLICA Enabled v1/);
  assert.match(setText, /eu-west-1 REPLICA Enabled v1/);
  // The primary's row in its Region names its replicas; a replica's page links the others.
  const rows = await page.$$eval(`tr[tabindex][data-key-id="${mrk}"]`, (rs) => rs.map((e) => e.innerText));
  assert.equal(rows.length, 3, rows.join(' | '));
  assert.equal(rows.filter((t) => /multi-Region primary, replicas in eu-west-1, ap-southeast-2/.test(t)).length, 1);
  assert.equal(rows.filter((t) => /multi-Region replica of us-east-1/.test(t)).length, 2);
  const buttons = await set.$$('button');
  const labels = await Promise.all(buttons.map((b) => b.evaluate((e) => e.textContent)));
  await buttons[labels.indexOf('eu-west-1')].click();
  await page.waitForFunction(() => /replica of us-east-1/.test(document.querySelector('#related-keys')?.innerText || ''));
  const related = await page.$eval('#related-keys', (e) => e.innerText);
  assert.match(related, /related keys: us-east-1 ap-southeast-2/);
  assert.match(await page.$eval('#detail', (e) => e.innerText), /arn:aws:kms:eu-west-1:/);
  await page.close();
  assert.deepEqual(pageErrors, []);
});

test('an AWS managed key is marked as such, with its yearly rotation by AWS', async () => {
  const managed = (await kms('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata;
  assert.equal(managed.KeyManager, 'AWS');
  const page = await openDashboard(`${base}/_rotor/ui`);
  const row = await page.waitForSelector(`tr[data-key-id="${managed.KeyId}"]`);
  const rowText = await row.evaluate((e) => e.innerText);
  assert.match(rowText, /alias\/aws\/s3/);
  assert.match(rowText, /AWS managed/);
  assert.match(rowText, /On, every 365 d/);
  assert.match(rowText, /by AWS, always/);
  // A customer key's row carries no such mark.
  assert.doesNotMatch(await page.$eval(`tr[data-key-id="${keyId}"]`, (e) => e.innerText), /AWS managed/);
  await row.click();
  await page.waitForFunction(() => /Key manager/.test(document.querySelector('#detail')?.innerText || ''));
  const detail = await page.$eval('#detail', (e) => e.innerText);
  assert.match(detail, /AWS \(an AWS managed key: AWS rotates it every year/);
  assert.ok(detail.includes('Default key that protects my S3 objects when no other key is defined'), detail);
  await page.close();
  assert.deepEqual(pageErrors, []);
});

test('in strict mode the key page shows the key policy as text and the recent denials, newest first', async () => {
  const ACCOUNT = '111122223333';
  const ADMIN = { accessKeyId: 'AKIADASHADMIN0000001', secretAccessKey: 'dash-admin-secret' };
  const APP = { accessKeyId: 'ASIADASHAPP000000002', secretAccessKey: 'dash-app-secret', sessionToken: 'dash-app-token' };
  const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/admin`;
  const APP_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/app/web`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rotor-dashboard-strict-'));
  const credsFile = path.join(dir, 'credentials.json');
  writeFileSync(credsFile, JSON.stringify({ credentials: [
    { access_key_id: ADMIN.accessKeyId, secret_access_key: ADMIN.secretAccessKey, principal: ADMIN_ARN },
    { access_key_id: APP.accessKeyId, secret_access_key: APP.secretAccessKey, session_token: APP.sessionToken,
      principal: APP_ARN }] }));
  const strict = await startRotor(['--auth', 'strict', '--credentials-file', credsFile]);
  const client = (credentials) => new KMSClient({ endpoint: strict.base, region: 'us-east-1', credentials, maxAttempts: 1 });
  const admin = client(ADMIN);
  const app = client(APP);
  try {
    // The application may encrypt only for one encryption context; a value with markup in it must
    // come out of the page as text.
    const note = '<img src=x onerror="window.__xss=2">';
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [
      { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: ADMIN_ARN }, Action: 'kms:*', Resource: '*' },
      { Sid: 'AppEncryptsNotes', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/app` },
        Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:EncryptionContext:note': note } } }] });
    const keyId = (await admin.send(new CreateKeyCommand({ Description: 'strict-mode key', Policy: policy })))
      .KeyMetadata.KeyId;
    const stored = (await admin.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }))).Policy;
    // Allowed: the condition matches. Denied: no context, then an operation the policy never allows.
    await app.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hi'), EncryptionContext: { note } }));
    const denials = [];
    for (const cmd of [new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hi') }),
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })]) {
      await assert.rejects(app.send(cmd), (err) => {
        assert.equal(err.name, 'AccessDeniedException');
        assert.match(err.message, new RegExp(`^User: ${APP_ARN} is not authorized to perform: kms:`));
        denials.push(err.message);
        return true;
      });
    }

    const page = await openDashboard(`${strict.base}/_rotor/ui`);
    const row = await page.waitForSelector(`tr[data-key-id="${keyId}"]`);
    await row.click();
    await page.waitForSelector('#key-policy');
    // The policy exactly as GetKeyPolicy returns it, as text (no element parsed out of it).
    const shown = await page.$eval('#key-policy', (e) => ({ tag: e.tagName, text: e.textContent, children: e.children.length }));
    assert.equal(shown.tag, 'PRE');
    assert.equal(shown.text, stored);
    assert.equal(shown.children, 0, 'no markup from the policy text');
    assert.ok(shown.text.includes('<img src=x'), shown.text);
    assert.equal(JSON.parse(shown.text).Statement[1].Condition.StringEquals['kms:EncryptionContext:note'], note);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    // The denials, newest first: GenerateDataKey, then Encrypt; the allowed Encrypt is not one.
    const rows = await page.$$eval('#denials tbody tr', (trs) => trs.map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.innerText)));
    assert.equal(rows.length, 2, JSON.stringify(rows));
    assert.deepEqual(rows.map((r) => r.slice(1)), [[APP_ARN, 'GenerateDataKey'], [APP_ARN, 'Encrypt']]);
    for (const r of rows) assert.match(r[0], /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.match(await page.$eval('#detail', (e) => e.innerText), /Recent denials \(2\)/);
    // The page agrees with the admin API it reads.
    const detail = await (await fetch(`${strict.base}/_rotor/keys/${keyId}`)).json();
    assert.equal(detail.policy, stored);
    assert.deepEqual(detail.denials.map((d) => [d.principalArn, d.eventName]),
      [[APP_ARN, 'GenerateDataKey'], [APP_ARN, 'Encrypt']]);
    await page.close();
    assert.deepEqual(pageErrors, []);
  } finally {
    admin.destroy();
    app.destroy();
    if (strict.proc.exitCode === null) strict.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- rotation calendar
// A rotor of its own: a symmetric key rotating every 90 days and rotated on demand, an RSA key, an
// HMAC key, an imported key, a multi-Region key with a replica and an AWS managed key. The calendar
// draws one lane per key; after the clock moves, its marks are those of /_rotor/keys.

// Imports 32 random bytes into `keyId` (RSAES_OAEP_SHA_256 under the import token's public key),
// expiring at `validTo` (ISO-8601).
async function importMaterial(keyId, validTo) {
  const params = await kms('GetParametersForImport', { KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' });
  const publicKey = crypto.createPublicKey({ key: Buffer.from(params.PublicKey, 'base64'), format: 'der', type: 'spki' });
  const wrapped = crypto.publicEncrypt({ key: publicKey, oaepHash: 'sha256', padding: crypto.constants.RSA_PKCS1_OAEP_PADDING },
    crypto.randomBytes(32));
  await kms('ImportKeyMaterial', { KeyId: keyId, ImportToken: params.ImportToken, EncryptedKeyMaterial: wrapped.toString('base64'),
    ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: Date.parse(validTo) / 1000 });
}

// The calendar's marks by lane (account/region/keyId): [{kind, time, version}], in DOM order.
const calendarMarks = (page) => page.$$eval('#calendar-svg g.lane', (lanes) => Object.fromEntries(lanes.map((g) =>
  [`${g.dataset.account}/${g.dataset.region}/${g.dataset.keyId}`, [...g.querySelectorAll('g.mark')].map((m) =>
    ({ kind: m.dataset.kind, time: m.dataset.time, version: m.dataset.version ? Number(m.dataset.version) : null }))])));

// What the marks must be, from GET /_rotor/keys?versions=1, within the calendar's window.
function expectedMarks(keys, from, to) {
  const inWindow = (t) => Date.parse(t) >= Date.parse(from) && Date.parse(t) <= Date.parse(to);
  const kindOf = (v) => (v.imported ? 'imported' : v.rotationType === 'AUTOMATIC' ? 'automatic'
    : v.rotationType === 'ON_DEMAND' ? 'on-demand' : 'first');
  return Object.fromEntries(keys.map((k) => [`${k.account}/${k.region}/${k.keyId}`, [
    { kind: 'create', time: k.createdAt, version: null },
    ...k.materialVersions.map((v) => ({ kind: kindOf(v), time: v.createdAt, version: v.version })),
    ...(k.rotation.nextRotationDate && k.keyState === 'Enabled' ? [{ kind: 'next', time: k.rotation.nextRotationDate, version: null }] : []),
    ...(k.materialValidTo ? [{ kind: 'expiry', time: k.materialValidTo, version: null }] : []),
    ...(k.deletionDate ? [{ kind: 'deletion', time: k.deletionDate, version: null }] : []),
  ].filter((m) => inWindow(m.time))]));
}

test('the rotation calendar draws every key, its versions by kind, and a now line that moves with the clock', async () => {
  const cal = await startRotor();
  const saved = base;
  base = cal.base;
  const shots = process.env.ROTOR_SCREENSHOT_DIR || mkdtempSync(path.join(os.tmpdir(), 'rotor-calendar-shots-'));
  try {
    // No keys yet: the hint names this page's own address (a random port here), not a fixed one.
    let page = await openDashboard(`${base}/_rotor/ui`);
    await page.waitForSelector('#create-hint');
    assert.equal(await page.$eval('#create-hint', (e) => e.textContent), `aws --endpoint-url ${base} kms create-key`);
    await page.close();

    const sym = (await kms('CreateKey', {})).KeyMetadata.KeyId;
    await kms('CreateAlias', { AliasName: 'alias/calendar-sym', TargetKeyId: sym });
    await kms('EnableKeyRotation', { KeyId: sym, RotationPeriodInDays: 90 });
    await kms('RotateKeyOnDemand', { KeyId: sym });
    const rsa = (await kms('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' })).KeyMetadata.KeyId;
    const mac = (await kms('CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata.KeyId;
    const ext = (await kms('CreateKey', { Origin: 'EXTERNAL' })).KeyMetadata.KeyId;
    const t0 = (await (await fetch(`${base}/_rotor/clock`)).json()).now;
    await importMaterial(ext, new Date(Date.parse(t0) + 200 * 86400000).toISOString());
    const mrk = (await kms('CreateKey', { MultiRegion: true })).KeyMetadata.KeyId;
    await kms('ReplicateKey', { KeyId: mrk, ReplicaRegion: 'eu-west-1' });
    await kms('EnableKeyRotation', { KeyId: mrk, RotationPeriodInDays: 180 });
    const managed = (await kms('DescribeKey', { KeyId: 'alias/aws/s3' })).KeyMetadata.KeyId;
    const gone = (await kms('CreateKey', {})).KeyMetadata.KeyId;
    await kms('ScheduleKeyDeletion', { KeyId: gone, PendingWindowInDays: 30 });

    page = await openDashboard(`${base}/_rotor/ui`);
    await page.setViewport({ width: 1366, height: 900 });
    await page.waitForSelector('#calendar-svg g.lane');
    // Keys that cannot rotate automatically say why instead of "Off".
    const rotationCell = (id) => page.$eval(`#keys tr[data-key-id="${id}"] td.rotation`, (e) => e.innerText.trim());
    assert.equal(await rotationCell(rsa), 'n/a: RSA_2048');
    assert.equal(await rotationCell(mac), 'n/a: HMAC_256');
    assert.equal(await rotationCell(ext), 'n/a: imported');
    assert.match(await rotationCell(sym), /^On, every 90 d\n1 on demand$/);
    // The report's coverage figure: sym and mrk rotate (the replica counts too); gone is pending deletion.
    const report = await (await fetch(`${base}/_rotor/report`)).json();
    assert.equal(report.rotationCoveragePct, 100);
    assert.match(await page.$eval('#coverage', (e) => e.innerText),
      /Automatic rotation coverage 100\.0% \(3 of 3 symmetric customer keys\) · not counted: 1 asymmetric, 1 HMAC, 1 imported, 1 pending deletion, 1 AWS managed/);

    // Every key has a lane, AWS managed and both Regions of the multi-Region key included.
    let keys = (await (await fetch(`${base}/_rotor/keys?versions=1`)).json()).keys;
    assert.equal(keys.length, 8);
    const lanes = await page.$$eval('#calendar-svg g.lane', (gs) => gs.map((g) => `${g.dataset.region}/${g.dataset.keyId}`));
    assert.deepEqual([...lanes].sort(), keys.map((k) => `${k.region}/${k.keyId}`).sort());
    assert.ok(lanes.includes(`us-east-1/${managed}`) && lanes.includes(`eu-west-1/${mrk}`), lanes.join(' '));

    // Same instant, causal order: CreateKey, first material, then later versions.
    let marks = await calendarMarks(page);
    const symMarks = marks[`111122223333/us-east-1/${sym}`];
    assert.deepEqual(symMarks.slice(0, 3).map((m) => m.kind), ['create', 'first', 'on-demand']);
    assert.deepEqual(marks[`111122223333/us-east-1/${ext}`].map((m) => m.kind), ['create', 'imported', 'expiry']);
    assert.deepEqual(marks[`111122223333/us-east-1/${gone}`].map((m) => m.kind), ['create', 'first', 'deletion']);
    const window0 = await page.$eval('#calendar-svg', (s) => [s.dataset.from, s.dataset.to]);
    assert.deepEqual(marks, expectedMarks(keys, ...window0));
    const nowX = () => page.$eval('#now-line line', (l) => Number(l.getAttribute('x1')));
    const x0 = await nowX();
    assert.equal(await page.$eval('#now-line', (g) => g.dataset.time), (await (await fetch(`${base}/_rotor/clock`)).json()).now);

    // Move the clock 30 days: the now line moves right within the same window.
    // The now line's time before the click: read after it, it may already be the new one.
    const lineTime0 = await page.$eval('#now-line', (g) => g.dataset.time);
    await page.click('button[data-advance="30d"]');
    await page.waitForFunction((before) => document.querySelector('#now-line')?.dataset.time !== before &&
      !document.querySelector('#banner').hidden, {}, lineTime0);
    assert.deepEqual(await page.$eval('#calendar-svg', (s) => [s.dataset.from, s.dataset.to]), window0);
    assert.ok(await nowX() > x0 + 50, `now line moved from ${x0} to ${await nowX()}`);

    // A year on: the marks are the versions /_rotor/keys lists (automatic rotations included).
    await page.click('button[data-advance="365d"]');
    await page.waitForFunction(() => /Clock advanced by 365d/.test(document.querySelector('#banner').innerText));
    keys = (await (await fetch(`${base}/_rotor/keys?versions=1`)).json()).keys;
    const window1 = await page.$eval('#calendar-svg', (s) => [s.dataset.from, s.dataset.to]);
    marks = await calendarMarks(page);
    assert.deepEqual(marks, expectedMarks(keys, ...window1));
    assert.ok(marks[`111122223333/us-east-1/${sym}`].some((m) => m.kind === 'automatic'),
      JSON.stringify(marks[`111122223333/us-east-1/${sym}`]));
    assert.ok(marks[`111122223333/eu-west-1/${mrk}`].some((m) => m.kind === 'automatic'), 'the replica shares its primary\'s rotations');
    // Dates never wrap.
    const wrapped = await page.$$eval('time.date', (ts) => ts.filter((t) => t.getClientRects().length > 1).map((t) => t.textContent));
    assert.deepEqual(wrapped, []);
    // Nothing is wider than the window (no sideways scrolling), and no error is shown.
    const fits = async () => {
      const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scroll <= inner, `the page is ${scroll} px wide in a ${inner} px window`);
    };
    await fits();
    assert.equal(await page.$eval('#error', (e) => e.hidden), true);
    await page.screenshot({ path: path.join(shots, 'calendar-1366.png'), fullPage: true });

    // Zoom from a month to ten years.
    const spanDays = () => page.$eval('#calendar-svg', (s) => (Date.parse(s.dataset.to) - Date.parse(s.dataset.from)) / 86400000);
    await page.click('button[data-zoom="1m"]');
    assert.equal(await spanDays(), 31);
    await page.click('button[data-zoom="10y"]');
    assert.equal(await spanDays(), 3653);
    marks = await calendarMarks(page);
    assert.deepEqual(marks, expectedMarks(keys, ...await page.$eval('#calendar-svg', (s) => [s.dataset.from, s.dataset.to])));
    // Ten years hold every version made so far.
    assert.equal(marks[`111122223333/us-east-1/${sym}`].filter((m) => m.version).length,
      keys.find((k) => k.keyId === sym).versions);
    await (await page.$('#calendar')).screenshot({ path: path.join(shots, 'calendar-10y-1366-detail.png') });
    await page.setViewport({ width: 1024, height: 900 });
    await page.waitForFunction(() => Number(document.querySelector('#calendar-svg').getAttribute('width')) <= 1024);
    assert.deepEqual(await page.$$eval('time.date', (ts) => ts.filter((t) => t.getClientRects().length > 1).map((t) => t.textContent)), []);
    await fits();
    await page.screenshot({ path: path.join(shots, 'calendar-1024.png'), fullPage: true });

    // The key's timeline, newest first: at the creation instant, version 1 above CreateKey.
    await page.click(`#keys tr[data-key-id="${rsa}"]`);
    // The detail of this key (another key's detail may still be shown while it loads).
    await page.waitForFunction((id) => (document.querySelector('#detail')?.innerText || '').includes(id) &&
      document.querySelector('#timeline li'), {}, rsa);
    const items = await page.$$eval('#timeline li .what', (ws) => ws.map((w) => w.innerText));
    assert.deepEqual(items.slice(-2), ['Version 1: first key material', 'CreateKey'], items.join(' | '));
    assert.match(await page.$eval('#detail', (e) => e.innerText), /n\/a: RSA_2048: AWS KMS cannot rotate this key automatically/);
    // The key made, rotated on demand and aliased at one instant: read upwards, cause before effect.
    await page.click(`#keys tr[data-key-id="${sym}"]`);
    await page.waitForFunction(() => /ON_DEMAND rotation/.test(document.querySelector('#timeline')?.innerText || ''));
    const symItems = await page.$$eval('#timeline li .what', (ws) => ws.map((w) => w.innerText));
    assert.deepEqual(symItems.slice(-6), ['Version 2: ON_DEMAND rotation', 'RotateKeyOnDemand', 'EnableKeyRotation',
      'CreateAlias', 'Version 1: first key material', 'CreateKey'], symItems.join(' | '));
    await page.close();
    console.log(`calendar screenshots: ${shots}`);
    assert.deepEqual(pageErrors, []);
  } finally {
    base = saved;
    if (cal.proc.exitCode === null) cal.proc.kill('SIGTERM');
  }
});

test('the one-time link of the start line signs a browser in with an HttpOnly, SameSite=Strict cookie, once', async () => {
  const srv = await startRotor(['--dashboard-login', 'on']);
  try {
    const m = /; dashboard \(one-time link\): (http:\/\/127\.0\.0\.1:\d+\/_rotor\/login\?token=[0-9a-f]{64})$/.exec(srv.startLine);
    assert.ok(m, srv.startLine);
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const res = await page.goto(m[1], { waitUntil: 'load' });
    // Redirected to the dashboard, which loads its data.
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/_rotor/ui/');
    await page.waitForSelector('#coverage:not([hidden])');
    const cookies = await page.cookies();
    const session = cookies.find((c) => c.name === 'rotor_dashboard');
    assert.ok(session, JSON.stringify(cookies));
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/_rotor');
    assert.match(session.value, /^[0-9a-f]{64}$/);
    // Not readable from the page's script.
    assert.equal(await page.evaluate(() => document.cookie.includes('rotor_dashboard')), false);
    // The link works once.
    const again = await page.goto(m[1], { waitUntil: 'load' });
    assert.equal(again.status(), 403);
    assert.match(await page.evaluate(() => document.body.innerText), /AccessDeniedException/);
    await page.close();
  } finally {
    if (srv.proc.exitCode === null) srv.proc.kill('SIGTERM');
  }
});
