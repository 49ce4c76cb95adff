// Injected faults (issue 17) with the AWS SDK for JavaScript v3: its default
// retry strategy (standard, 3 attempts) gets through a 30% injected
// ThrottlingException rate; with retries off the error surfaces as AWS sends it.
// The AWS Encryption SDK (@aws-crypto/client-node) under an injected
// KMSInternalException: what it does is recorded in docs/faults.md.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { CommitmentPolicy, KMS, KmsKeyringNode, buildClient, getClient } from '@aws-crypto/client-node';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';

import {
  REGION,
  addFault,
  credentials,
  expectAwsError,
  fromUtf8,
  kmsClient,
  kmsClientConfig,
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

describe('the AWS Encryption SDK under an injected KMSInternalException', { timeout: 300_000 }, () => {
  const INTERNAL = 'The request was rejected because an internal exception occurred. The request can be retried.';
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  let rotor;
  let kms;
  let keyArn;

  before(async () => {
    rotor = await startRotor();
    kms = kmsClient(rotor.endpoint);
    keyArn = (await kms.send(new CreateKeyCommand({}))).KeyMetadata.Arn;
  }, HOOK);

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
  }, HOOK);

  // A keyring whose KMS clients make `maxAttempts` attempts per call.
  const keyring = (maxAttempts) => {
    const { maxAttempts: _one, ...config } = kmsClientConfig(rotor.endpoint);
    const clientProvider = getClient(KMS, { ...config, maxAttempts });
    return new KmsKeyringNode({ clientProvider, generatorKeyId: keyArn });
  };
  const internalOnce = (operation) =>
    addFault(rotor.endpoint, {
      match: { operations: [operation] },
      action: { error: 'KMSInternalException' },
      frequency: { next: 1 },
    });

  it('without retries: encrypt rejects with the KMS error, decrypt with its own error naming it', T, async () => {
    await internalOnce('GenerateDataKey');
    const failed = await expectAwsError(encrypt(keyring(1), 'secret'), 'KMSInternalException', INTERNAL, {
      status: 500,
    });
    assert.equal(failed.$metadata.attempts, 1);

    const { result } = await encrypt(keyring(1), 'secret');
    await internalOnce('Decrypt');
    let err = null;
    try {
      await decrypt(keyring(1), result);
    } catch (e) {
      err = e;
    }
    assert.ok(err, 'decrypt failed');
    // The keyring wraps the KMS errors of every key it tried in one error of its own.
    assert.ok(
      err.message.startsWith('Unable to decrypt data key and one or more KMS CMKs had an error.'),
      err.message,
    );
    assert.ok(err.message.includes(`Error #1 \n KMSInternalException: ${INTERNAL}`), err.message);
    const fired = Object.values(await listFaults(rotor.endpoint)).map((f) => f.fired);
    assert.deepEqual(fired, [1, 1]);
  });

  it('with the SDK default of 3 attempts both succeed through one injected error each', T, async () => {
    const rules = [await internalOnce('GenerateDataKey'), await internalOnce('Decrypt')];
    const { result } = await encrypt(keyring(3), 'secret');
    const { plaintext } = await decrypt(keyring(3), result);
    assert.equal(plaintext.toString(), 'secret');
    const counts = await listFaults(rotor.endpoint);
    for (const r of rules) assert.equal(counts[r.id].fired, 1, 'each rule fired once and was retried');
  });
});
