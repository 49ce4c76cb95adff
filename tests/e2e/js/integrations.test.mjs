// The Node.js recipes of docs/integrations.md, run as printed there (read from the doc by their
// `<!-- tested: NAME -->` marker, only the port changed) against a real rotor.
// Each snippet runs in its own node process with cwd tests/e2e/js (so '@aws-sdk/client-kms' resolves),
// no AWS_* variables of ours, and a guard that fails every DNS lookup (Rotor is reached by its IP
// literal, which needs none): a snippet that ignored its endpoint would look up
// kms.<region>.amazonaws.com and fail here instead of reaching AWS.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DescribeKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';

import { REPO_ROOT, kmsClient, startRotor } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DOC = path.join(REPO_ROOT, 'docs', 'integrations.md');
const DOC_URL = 'http://127.0.0.1:4599';
const T = { timeout: 60_000 };
const HOOK = { timeout: 20_000 };
const CHILD_TIMEOUT_MS = 45_000;

/** The fenced block right after `<!-- tested: name -->` in docs/integrations.md. */
function docSnippet(name) {
  const text = readFileSync(DOC, 'utf8');
  const marker = `<!-- tested: ${name} -->\n`;
  const at = text.indexOf(marker);
  assert.notEqual(at, -1, `no snippet '${name}' in ${DOC}`);
  const m = /^```[a-z]*\n([\s\S]*?)\n```/.exec(text.slice(at + marker.length));
  assert.ok(m, `snippet '${name}' is not a fenced block`);
  return `${m[1]}\n`;
}

// Prepended to each snippet: net.connect calls dns.lookup for host names (never for IP literals).
const NO_DNS = "import dns from 'node:dns';\n"
  + "dns.lookup = (host, ...rest) => rest.at(-1)(new Error(`test guard: no DNS lookup of ${host}`));\n";

/** Runs ES module source (after the DNS guard) in a child node; resolves { code, stdout, stderr }. */
async function runModule(source, extraEnv) {
  const env = Object.fromEntries(Object.entries(process.env).filter(
    ([k]) => !k.startsWith('AWS_') && !/^(https?|no|all)_proxy$/i.test(k)));
  Object.assign(env, {
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extraEnv,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', NO_DNS + source], { cwd: HERE, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function keyIds(kms) {
  const { Keys } = await kms.send(new ListKeysCommand({ Limit: 1000 }));
  return new Set(Keys.map((k) => k.KeyId));
}

describe('docs/integrations.md: Node.js recipes', () => {
  let rotor;
  let kms;

  before(async () => {
    rotor = await startRotor();
    kms = kmsClient(rotor.endpoint);
  }, HOOK);

  after(async () => {
    await rotor?.stop();
  }, HOOK);

  it('node-sdk: the SDK v3 snippet with an explicit endpoint round-trips', T, async () => {
    const before = await keyIds(kms);
    const out = await runModule(docSnippet('node-sdk').replaceAll(DOC_URL, rotor.endpoint), {});
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, 'hello\n');
    const created = [...(await keyIds(kms))].filter((id) => !before.has(id));
    assert.equal(created.length, 1);
    const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: created[0] }));
    assert.equal(KeyMetadata.Description, 'node');
  });

  for (const variable of ['AWS_ENDPOINT_URL_KMS', 'AWS_ENDPOINT_URL']) {
    it(`node-env: the SDK v3 reads ${variable}`, T, async () => {
      const count = (await keyIds(kms)).size;
      assert.ok(count > 0, 'the previous test made a key to count');
      const out = await runModule(docSnippet('node-env'), {
        [variable]: rotor.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout, `${count}\n`);
    });
  }

  it('node-env: without the variable the same code does not reach Rotor', T, async () => {
    const out = await runModule(docSnippet('node-env'), {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    assert.notEqual(out.code, 0, out.stdout);
    assert.match(out.stderr, /test guard: no DNS lookup of kms\.us-east-1\.amazonaws\.com/);
  });
});
