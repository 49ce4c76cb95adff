// End-to-end tests of Rotor with the AWS Encryption SDK for JavaScript (@aws-crypto/client-node):
// a KMS keyring whose clientProvider hands out KMS clients pointed at a private rotor.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  AlgorithmSuiteIdentifier,
  AwsKmsMrkAwareSymmetricDiscoveryKeyringNode,
  AwsKmsMrkAwareSymmetricKeyringNode,
  CommitmentPolicy,
  KMS,
  KmsKeyringNode,
  buildClient,
  getClient,
} from '@aws-crypto/client-node';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';

import { ACCOUNT, aliasArn, kmsClient, kmsClientConfig, startRotor } from './harness.mjs';

const T = { timeout: 30_000 };
const HOOK = { timeout: 20_000 };

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

describe('AWS Encryption SDK KMS keyring against rotor', { timeout: 300_000 }, () => {
  let rotor;
  let kms;
  let clientProvider;
  const providerRegions = [];

  before(async () => {
    rotor = await startRotor();
    kms = kmsClient(rotor.endpoint);
    // The Encryption SDK's own client factory, configured for rotor; every client it builds
    // has the loopback endpoint, dummy credentials and maxAttempts 1.
    const base = getClient(KMS, kmsClientConfig(rotor.endpoint));
    clientProvider = (region) => {
      providerRegions.push(region);
      return base(region);
    };
  }, HOOK);

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
  }, HOOK);

  async function newKey(description = 'esdk') {
    return (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata;
  }

  function keyring(opts) {
    return new KmsKeyringNode({ clientProvider, ...opts });
  }

  function assertContextContains(actual, expected) {
    for (const [k, v] of Object.entries(expected)) {
      assert.equal(actual[k], v, `encryption context member ${k}`);
    }
  }

  async function waitOnDemandRotationDone(keyId, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
      if (!st.OnDemandRotationStartDate) return;
      if (Date.now() > deadline) throw new Error(`on-demand rotation of ${keyId} still in progress`);
      await sleep(100);
    }
  }

  it('encrypt/decrypt round trip with an encryption context (key ARN generator)', T, async () => {
    const key = await newKey();
    const ring = keyring({ generatorKeyId: key.Arn });
    const context = { stage: 'e2e', purpose: 'esdk round trip', 'ünï': 'cødé' };
    const plaintext = Buffer.from('Hello from the AWS Encryption SDK, via Rotor!');

    const before = providerRegions.length;
    const { result, messageHeader } = await encrypt(ring, plaintext, { encryptionContext: context });
    assert.ok(providerRegions.length > before, 'clientProvider was used');
    assert.ok(providerRegions.slice(before).every((r) => r === 'us-east-1'), `regions ${providerRegions}`);
    assert.ok(Buffer.isBuffer(result) && result.length > plaintext.length);
    assertContextContains(messageHeader.encryptionContext, context);
    assert.equal(messageHeader.encryptedDataKeys.length, 1);
    assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'aws-kms');
    assert.equal(messageHeader.encryptedDataKeys[0].providerInfo, key.Arn);

    const out = await decrypt(ring, result);
    assert.ok(out.plaintext.equals(plaintext));
    assertContextContains(out.messageHeader.encryptionContext, context);
    // The default suite signs, so the SDK adds its public key to the context (and to the KMS context).
    assert.ok('aws-crypto-public-key' in out.messageHeader.encryptionContext);
  });

  it('non-signing committing suite: context is exactly the caller’s', T, async () => {
    const key = await newKey();
    const ring = keyring({ generatorKeyId: key.Arn });
    const context = { a: '1', b: '2' };
    const { result } = await encrypt(ring, Buffer.from('no signature'), {
      encryptionContext: context,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
    const out = await decrypt(ring, result);
    assert.equal(out.plaintext.toString(), 'no signature');
    assert.deepEqual({ ...out.messageHeader.encryptionContext }, context);
  });

  it('multi-frame message (300 KiB, 4 KiB frames)', T, async () => {
    const key = await newKey();
    const ring = keyring({ generatorKeyId: key.Arn });
    const plaintext = randomBytes(300 * 1024);
    const { result } = await encrypt(ring, plaintext, { encryptionContext: { big: 'yes' }, frameLength: 4096 });
    const out = await decrypt(ring, result);
    assert.ok(out.plaintext.equals(plaintext));
  });

  it('generator + additional key: a keyring with only the second key decrypts', T, async () => {
    const a = await newKey('generator');
    const b = await newKey('additional');
    const ring = keyring({ generatorKeyId: a.Arn, keyIds: [b.Arn] });
    const context = { multi: 'key' };
    const { result, messageHeader } = await encrypt(ring, Buffer.from('two wrapping keys'), { encryptionContext: context });
    assert.deepEqual(messageHeader.encryptedDataKeys.map((e) => e.providerInfo), [a.Arn, b.Arn]);

    const onlyB = keyring({ keyIds: [b.Arn] });
    const outB = await decrypt(onlyB, result);
    assert.equal(outB.plaintext.toString(), 'two wrapping keys');
    assertContextContains(outB.messageHeader.encryptionContext, context);

    const onlyA = keyring({ keyIds: [a.Arn] });
    assert.equal((await decrypt(onlyA, result)).plaintext.toString(), 'two wrapping keys');

    // With A disabled, B alone still gets the data key.
    await kms.send(new DisableKeyCommand({ KeyId: a.KeyId }));
    try {
      assert.equal((await decrypt(onlyB, result)).plaintext.toString(), 'two wrapping keys');
      // A keyring that lists A first falls through to B when A fails.
      const both = keyring({ keyIds: [a.Arn, b.Arn] });
      assert.equal((await decrypt(both, result)).plaintext.toString(), 'two wrapping keys');
    } finally {
      await kms.send(new EnableKeyCommand({ KeyId: a.KeyId }));
    }
  });

  it('keys in two regions: the clientProvider gets a client per region from the key ARN', T, async () => {
    const east = await newKey('east');
    const westKms = kmsClient(rotor.endpoint, { region: 'us-west-2' });
    try {
      const west = (await westKms.send(new CreateKeyCommand({ Description: 'west' }))).KeyMetadata;
      assert.match(west.Arn, /^arn:aws:kms:us-west-2:/);
      const from = providerRegions.length;
      const { result, messageHeader } = await encrypt(keyring({ generatorKeyId: east.Arn, keyIds: [west.Arn] }),
        Buffer.from('two regions'), { encryptionContext: { geo: 'multi' } });
      assert.deepEqual(messageHeader.encryptedDataKeys.map((e) => e.providerInfo), [east.Arn, west.Arn]);
      assert.deepEqual([...new Set(providerRegions.slice(from))].sort(), ['us-east-1', 'us-west-2']);

      const out = await decrypt(keyring({ keyIds: [west.Arn] }), result);
      assert.equal(out.plaintext.toString(), 'two regions');
      assert.equal(providerRegions.at(-1), 'us-west-2');
    } finally {
      westKms.destroy();
    }
  });

  it('alias ARN and alias name as generator; decrypt by key ARN and by discovery', T, async () => {
    const key = await newKey('aliased');
    const alias = `alias/esdk-${randomUUID().slice(0, 8)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));

    for (const generatorKeyId of [aliasArn(alias), alias]) {
      const ring = keyring({ generatorKeyId });
      const { result, messageHeader } = await encrypt(ring, Buffer.from(`via ${generatorKeyId}`), { encryptionContext: { via: 'alias' } });
      // KMS answers with the key ARN, which the SDK records as the provider info.
      assert.equal(messageHeader.encryptedDataKeys[0].providerInfo, key.Arn);

      const byArn = await decrypt(keyring({ keyIds: [key.Arn] }), result);
      assert.equal(byArn.plaintext.toString(), `via ${generatorKeyId}`);

      const discovery = new KmsKeyringNode({
        clientProvider,
        discovery: true,
        discoveryFilter: { accountIDs: [ACCOUNT], partition: 'aws' },
      });
      const byDiscovery = await decrypt(discovery, result);
      assert.equal(byDiscovery.plaintext.toString(), `via ${generatorKeyId}`);
      assertContextContains(byDiscovery.messageHeader.encryptionContext, { via: 'alias' });
    }

    // A discovery filter for another account must not decrypt.
    const { result } = await encrypt(keyring({ generatorKeyId: key.Arn }), Buffer.from('x'));
    const otherAccount = new KmsKeyringNode({
      clientProvider, discovery: true, discoveryFilter: { accountIDs: ['444455556666'], partition: 'aws' },
    });
    await assert.rejects(decrypt(otherAccount, result));
  });

  it('after RotateKeyOnDemand the old message still decrypts and a new one works', T, async () => {
    const key = await newKey('rotating');
    const ring = keyring({ generatorKeyId: key.Arn });
    const context = { rotation: 'on-demand' };
    const oldMsg = await encrypt(ring, Buffer.from('before rotation'), { encryptionContext: context });

    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    await waitOnDemandRotationDone(key.KeyId);
    const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId }));
    assert.equal(rotations.Rotations?.length, 1, JSON.stringify(rotations.Rotations));

    const oldOut = await decrypt(ring, oldMsg.result);
    assert.equal(oldOut.plaintext.toString(), 'before rotation');
    assertContextContains(oldOut.messageHeader.encryptionContext, context);

    const newMsg = await encrypt(ring, Buffer.from('after rotation'), { encryptionContext: context });
    const newOut = await decrypt(ring, newMsg.result);
    assert.equal(newOut.plaintext.toString(), 'after rotation');
    assertContextContains(newOut.messageHeader.encryptionContext, context);
  });

  it('a disabled key makes decrypt (and encrypt) fail; EnableKey restores', T, async () => {
    const key = await newKey('to disable');
    const ring = keyring({ generatorKeyId: key.Arn });
    const { result } = await encrypt(ring, Buffer.from('soon unreadable'), { encryptionContext: { d: '1' } });

    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await assert.rejects(decrypt(ring, result), (err) => {
      assert.ok(String(err.message).includes(`${key.Arn} is disabled.`),
        `decrypt error names the disabled key: ${String(err.message).slice(0, 500)}`);
      return true;
    });
    await assert.rejects(encrypt(ring, Buffer.from('x')), (err) => {
      assert.equal(err.name, 'DisabledException', `${err.name}: ${err.message}`);
      assert.equal(err.message, `${key.Arn} is disabled.`);
      return true;
    });

    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    assert.equal((await decrypt(ring, result)).plaintext.toString(), 'soon unreadable');
  });

  it('multi-Region key: encrypt in us-east-1 with the primary, decrypt in eu-west-1 with the replica', T, async () => {
    const primary = (await kms.send(new CreateKeyCommand({ Description: 'mrk', MultiRegion: true }))).KeyMetadata;
    assert.match(primary.KeyId, /^mrk-[0-9a-f]{32}$/);
    const replica = (await kms.send(new ReplicateKeyCommand({ KeyId: primary.KeyId, ReplicaRegion: 'eu-west-1' })))
      .ReplicaKeyMetadata;
    assert.equal(replica.Arn, `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${primary.KeyId}`);
    const us = new KMS({ ...kmsClientConfig(rotor.endpoint), region: 'us-east-1' });
    const eu = new KMS({ ...kmsClientConfig(rotor.endpoint), region: 'eu-west-1' });
    try {
      const context = { purpose: 'cross-Region' };
      const plaintext = randomBytes(10_000);
      const { result, messageHeader } = await encrypt(
        new AwsKmsMrkAwareSymmetricKeyringNode({ keyId: primary.Arn, client: us }), plaintext,
        { encryptionContext: context });
      assert.equal(messageHeader.encryptedDataKeys[0].providerInfo, primary.Arn);
      // The MRK-aware keyring of the replica calls Decrypt in eu-west-1 with the replica's ARN.
      const out = await decrypt(new AwsKmsMrkAwareSymmetricKeyringNode({ keyId: replica.Arn, client: eu }), result);
      assert.ok(out.plaintext.equals(plaintext));
      assertContextContains(out.messageHeader.encryptionContext, context);
      // Discovery in eu-west-1 finds the related key by the ARN in the message.
      const discovery = new AwsKmsMrkAwareSymmetricDiscoveryKeyringNode({
        client: eu, discoveryFilter: { accountIDs: [ACCOUNT], partition: 'aws' } });
      assert.ok((await decrypt(discovery, result)).plaintext.equals(plaintext));
      // And back: a message made with the replica opens with the primary.
      const back = await encrypt(new AwsKmsMrkAwareSymmetricKeyringNode({ keyId: replica.Arn, client: eu }),
        Buffer.from('from eu'));
      const home = await decrypt(new AwsKmsMrkAwareSymmetricKeyringNode({ keyId: primary.Arn, client: us }),
        back.result);
      assert.equal(home.plaintext.toString(), 'from eu');
    } finally {
      us.destroy();
      eu.destroy();
    }
  });

  it('a keyring for an unrelated key cannot decrypt', T, async () => {
    const a = await newKey();
    const b = await newKey();
    const { result } = await encrypt(keyring({ generatorKeyId: a.Arn }), Buffer.from('for a only'));
    await assert.rejects(decrypt(keyring({ keyIds: [b.Arn] }), result));
  });
});
