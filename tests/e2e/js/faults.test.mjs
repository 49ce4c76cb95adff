// Injected faults (issue 17) with the AWS SDK for JavaScript v3: its default
// retry strategy (standard, 3 attempts) gets through a 30% injected
// ThrottlingException rate; with retries off the error surfaces as AWS sends it.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';

import {
  REGION,
  addFault,
  credentials,
  expectAwsError,
  fromUtf8,
  kmsClient,
  listFaults,
  startRotor,
  utf8,
} from './harness.mjs';

const T = { timeout: 120_000 };
const HOOK = { timeout: 20_000 };
const THROTTLED =
  'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.';

describe('client-kms under injected faults', { timeout: 300_000 }, () => {
  let rotor;
  let kms;
  let keyId;

  before(async () => {
    rotor = await startRotor();
    kms = kmsClient(rotor.endpoint); // maxAttempts 1: no retries
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata.KeyId;
  }, HOOK);

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
  }, HOOK);

  it('default retries get through a 30% seeded ThrottlingException rate on Encrypt', T, async () => {
    const rule = await addFault(rotor.endpoint, {
      match: { operations: ['Encrypt'] },
      action: { error: 'ThrottlingException' },
      frequency: { probability: 0.3, seed: 3 },
    });
    // The SDK's defaults: no maxAttempts, no retryMode. A call fails only on
    // three throttles in a row (2.7% each); the seed fixes the draws, and with
    // this one no call meets three.
    const retrying = new KMSClient({ region: REGION, endpoint: rotor.endpoint, credentials: credentials() });
    const calls = 25;
    try {
      for (let i = 0; i < calls; i++) {
        const out = await retrying.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8(`data ${i}`) }));
        const back = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
        assert.equal(fromUtf8(back.Plaintext), `data ${i}`);
      }
    } finally {
      retrying.destroy();
    }
    const counts = (await listFaults(rotor.endpoint))[rule.id];
    assert.equal(counts.matched, calls + counts.fired, 'every throttled attempt was retried');
    assert.ok(counts.fired >= 3, `throttled ${counts.fired} times`);

    // Without retries the same rule's error reaches the caller as AWS sends it.
    let surfaced = null;
    for (let i = 0; i < 30 && !surfaced; i++) {
      try {
        await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: utf8('x') }));
      } catch (e) {
        surfaced = e;
      }
    }
    assert.ok(surfaced, 'a 30% rule throttles one of 30 calls');
    await expectAwsError(Promise.reject(surfaced), 'ThrottlingException', THROTTLED, { status: 400 });
  });
});
