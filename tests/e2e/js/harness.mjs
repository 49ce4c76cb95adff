// Test harness for the JavaScript end-to-end tests of Rotor.
//
// Starts a private rotor process per test file on a free loopback port, waits for
// GET /_rotor/health, builds AWS SDK v3 KMS clients pointed at it (dummy credentials,
// maxAttempts 1, bounded timeouts) and drives the admin endpoints (virtual clock, reset).
// Nothing here ever talks to real AWS: every client gets an explicit http://127.0.0.1 endpoint.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import { KMSClient } from '@aws-sdk/client-kms';

// The SDK warns (once per process) that future releases need Node >= 22; that is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..', '..');
export const ROTOR_BIN = process.env.ROTOR_BIN || path.join(REPO_ROOT, 'build', 'rotor');

export const REGION = 'us-east-1';
export const ACCOUNT = '111122223333';
// A fresh object per client: the SDK annotates the credentials object it is given (so no freeze).
export const credentials = () => ({ accessKeyId: 'AKIAEXAMPLEEXAMPLE', secretAccessKey: 'x' });

const HEALTH_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;
const HTTP_TIMEOUT_MS = 10_000;

// Every child we started, so a crashing test process never leaves a rotor behind.
const live = new Set();
function killAll() {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.once('exit', killAll);
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(sig, () => {
    killAll();
    process.exit(code);
  });
}

/** A free TCP port on 127.0.0.1: listen on port 0, read it, close. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** fetch with a hard deadline. */
export async function fetchWithTimeout(url, init = {}, timeoutMs = HTTP_TIMEOUT_MS) {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * Start rotor. Options:
 *   args:     extra command-line flags (e.g. ['--clock', 'virtual', '--rotation-jitter', '0'])
 *   dataDir:  use a (temp) data dir instead of --in-memory; pass true for a fresh temp dir
 *   env:      extra environment variables
 * Returns { port, endpoint, pid, proc, output(), stop() }.
 */
export async function startRotor({ args = [], dataDir = null, env = {} } = {}) {
  if (!existsSync(ROTOR_BIN)) {
    throw new Error(`rotor binary not found at ${ROTOR_BIN} (build it, or set ROTOR_BIN)`);
  }
  let tempDir = null;
  const storage = [];
  if (dataDir === true) {
    tempDir = mkdtempSync(path.join(os.tmpdir(), 'rotor-e2e-js-'));
    storage.push('--data-dir', tempDir);
  } else if (typeof dataDir === 'string') {
    storage.push('--data-dir', dataDir);
  } else {
    storage.push('--in-memory');
  }

  // The port can be taken between close() and rotor's bind(); retry a few times.
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const handle = await launch(port, [...storage, ...args], env);
      const origStop = handle.stop;
      handle.stop = async () => {
        const res = await origStop();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
        return res;
      };
      handle.dataDir = tempDir;
      return handle;
    } catch (err) {
      lastErr = err;
      if (!/exited|EADDRINUSE|address in use/i.test(String(err.message))) break;
    }
  }
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  throw lastErr;
}

async function launch(port, args, env) {
  const fullArgs = ['--host', '127.0.0.1', '--port', String(port), ...args];
  const childEnv = { ...process.env, ...env };
  // Hermetic: ROTOR_* settings of the caller's shell must not change the server under test.
  for (const k of Object.keys(childEnv)) {
    if (k.startsWith('ROTOR_') && k !== 'ROTOR_BIN' && !(k in env)) delete childEnv[k];
  }
  const proc = spawn(ROTOR_BIN, fullArgs, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  const keep = (chunk) => {
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(proc);
      resolve(exited);
    });
    proc.once('error', (err) => {
      exited = { code: null, signal: null, error: err };
      live.delete(proc);
      resolve(exited);
    });
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return exited;
    try { process.kill(proc.pid, 'SIGTERM'); } catch { /* gone */ }
    const t = setTimeout(() => { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }, STOP_GRACE_MS);
    const hard = sleep(STOP_GRACE_MS + 3_000, 'timeout', { ref: false });
    const res = await Promise.race([exitPromise, hard]);
    clearTimeout(t);
    return res;
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited?.error) {
      throw new Error(`could not start ${ROTOR_BIN}: ${exited.error.message}`);
    }
    if (exited) {
      throw new Error(`rotor exited before becoming healthy (${JSON.stringify(exited)}): ${out.slice(-2000)}`);
    }
    try {
      const res = await fetchWithTimeout(`${endpoint}/_rotor/health`, {}, 1_000);
      if (res.ok) {
        const body = await res.json();
        if (body && body.status === 'ok') {
          return { port, endpoint, pid: proc.pid, proc, output: () => out, stop, health: body };
        }
      } else {
        await res.arrayBuffer().catch(() => {});
      }
    } catch { /* not up yet */ }
    await sleep(100);
  }
  await stop();
  throw new Error(`rotor did not answer /_rotor/health within ${HEALTH_TIMEOUT_MS} ms: ${out.slice(-2000)}`);
}

/** A KMS client (AWS SDK v3) bound to a rotor endpoint. */
export function kmsClient(endpoint, extra = {}) {
  return new KMSClient({
    region: REGION,
    endpoint,
    credentials: credentials(),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: HTTP_TIMEOUT_MS },
    ...extra,
  });
}

/** Base config for clients that other libraries construct (e.g. the Encryption SDK's getClient). */
export function kmsClientConfig(endpoint) {
  return {
    region: REGION,
    endpoint,
    credentials: credentials(),
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: HTTP_TIMEOUT_MS },
  };
}

async function adminJson(method, url, body) {
  const res = await fetchWithTimeout(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

/** GET /_rotor/clock */
export async function getClock(endpoint) {
  const r = await adminJson('GET', `${endpoint}/_rotor/clock`);
  if (r.status !== 200) throw new Error(`GET /_rotor/clock -> ${r.status}: ${r.text}`);
  return r.json;
}

/** POST /_rotor/clock {"advance": "366d"}; returns the parsed answer ({now, fired}). */
export async function advanceClock(endpoint, duration) {
  const r = await adminJson('POST', `${endpoint}/_rotor/clock`, { advance: duration });
  if (r.status !== 200) throw new Error(`POST /_rotor/clock advance ${duration} -> ${r.status}: ${r.text}`);
  return r.json;
}

/** POST /_rotor/clock {"set": iso}; returns the parsed answer. */
export async function setClock(endpoint, iso) {
  const r = await adminJson('POST', `${endpoint}/_rotor/clock`, { set: iso });
  if (r.status !== 200) throw new Error(`POST /_rotor/clock set ${iso} -> ${r.status}: ${r.text}`);
  return r.json;
}

/** Raw POST /_rotor/clock, for tests of the error answers. */
export async function postClockRaw(endpoint, body) {
  return adminJson('POST', `${endpoint}/_rotor/clock`, body);
}

/** POST /_rotor/faults with a fault rule (docs/faults.md); returns the rule as listed, with its id. */
export async function addFault(endpoint, rule) {
  const r = await adminJson('POST', `${endpoint}/_rotor/faults`, rule);
  if (r.status !== 200) throw new Error(`POST /_rotor/faults -> ${r.status}: ${r.text}`);
  return r.json;
}

/** GET /_rotor/faults: the rules with their counts, by id. */
export async function listFaults(endpoint) {
  const r = await adminJson('GET', `${endpoint}/_rotor/faults`);
  if (r.status !== 200) throw new Error(`GET /_rotor/faults -> ${r.status}: ${r.text}`);
  return Object.fromEntries(r.json.faults.map((f) => [f.id, f]));
}

/** POST /_rotor/reset */
export async function resetRotor(endpoint) {
  const r = await adminJson('POST', `${endpoint}/_rotor/reset`, {});
  if (r.status < 200 || r.status >= 300) throw new Error(`POST /_rotor/reset -> ${r.status}: ${r.text}`);
  return r.json;
}

/**
 * Await a promise that must reject with an AWS SDK service error; returns the error.
 * Checks the `name` and, when `message` is given, the exact message (a RegExp is matched instead).
 * `message: null` means "AWS sends no message": the SDK then shows 'UnknownError' (or '').
 * `status`: the allowed HTTP status code(s), 400 unless given.
 */
export async function expectAwsError(promise, name, message, { status = 400 } = {}) {
  let err;
  try {
    const res = await promise;
    err = null;
    throw Object.assign(new Error(`expected ${name}, but the call succeeded: ${safeJson(res)}`), { _ours: true });
  } catch (e) {
    if (e && e._ours) throw e;
    err = e;
  }
  if (!err || err.name !== name) {
    const got = err ? `${err.name}: ${err.message}` : String(err);
    throw new Error(`expected ${name}, got ${got}`);
  }
  if (message === null) {
    if (!(err.message === '' || err.message === 'UnknownError' || err.message === undefined)) {
      throw new Error(`expected ${name} without a message, got message ${JSON.stringify(err.message)}`);
    }
  } else if (message instanceof RegExp) {
    if (!message.test(err.message)) {
      throw new Error(`expected ${name} message matching ${message}, got ${JSON.stringify(err.message)}`);
    }
  } else if (message !== undefined && err.message !== message) {
    throw new Error(`expected ${name} message ${JSON.stringify(message)}, got ${JSON.stringify(err.message)}`);
  }
  const allowed = [].concat(status);
  if (err.$metadata && err.$metadata.httpStatusCode !== undefined && !allowed.includes(err.$metadata.httpStatusCode)) {
    throw new Error(`expected HTTP ${allowed.join(' or ')} for ${name}, got ${err.$metadata.httpStatusCode}`);
  }
  return err;
}

function safeJson(v) {
  try {
    return JSON.stringify(v, (k, x) => (x instanceof Uint8Array ? `<${x.length} bytes>` : x)).slice(0, 500);
  } catch { return String(v); }
}

export const utf8 = (s) => new TextEncoder().encode(s);
export const fromUtf8 = (b) => new TextDecoder().decode(b);
export const bytesEqual = (a, b) => Buffer.from(a).equals(Buffer.from(b));
export const ARN_RE = /^arn:aws:kms:us-east-1:111122223333:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const KEY_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MATERIAL_ID_RE = /^[0-9a-f]{64}$/;
export const keyArn = (keyId) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyId}`;
export const aliasArn = (name) => `arn:aws:kms:${REGION}:${ACCOUNT}:${name}`;
