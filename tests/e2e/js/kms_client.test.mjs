// End-to-end tests of Rotor with the AWS SDK for JavaScript v3 (@aws-sdk/client-kms).
// Each describe block starts its own rotor (in-memory, loopback, free port) and stops it afterwards.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  GetKeyRotationStatusCommand,
  ListAliasesCommand,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';

import {
  ACCOUNT,
  ARN_RE,
  KEY_ID_RE,
  MATERIAL_ID_RE,
  REGION,
  advanceClock,
  aliasArn,
  bytesEqual,
  expectAwsError,
  fromUtf8,
  getClock,
  keyArn,
  kmsClient,
  postClockRaw,
  startRotor,
  utf8,
} from './harness.mjs';

const DAY_MS = 86_400_000;
const T = { timeout: 30_000 };
const HOOK = { timeout: 20_000 };

async function createKey(kms, description = 'e2e-js') {
  const out = await kms.send(new CreateKeyCommand({ Description: description }));
  return out.KeyMetadata;
}

async function describeKey(kms, keyId) {
  return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
}

/** Wait (bounded) until an on-demand rotation is no longer "in progress". */
async function waitOnDemandRotationDone(kms, keyId, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    if (!st.OnDemandRotationStartDate) return st;
    if (Date.now() > deadline) throw new Error(`on-demand rotation of ${keyId} still in progress after ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function listRotations(kms, keyId, includeKeyMaterial) {
  const entries = [];
  let marker;
  for (let page = 0; page < 20; page++) {
    const out = await kms.send(new ListKeyRotationsCommand({
      KeyId: keyId,
      ...(includeKeyMaterial ? { IncludeKeyMaterial: includeKeyMaterial } : {}),
      ...(marker ? { Marker: marker } : {}),
    }));
    entries.push(...(out.Rotations ?? []));
    if (!out.Truncated) return entries;
    marker = out.NextMarker;
    assert.ok(marker, 'Truncated without NextMarker');
  }
  throw new Error('ListKeyRotations did not finish in 20 pages');
}

function flip(blob, index) {
  const copy = Uint8Array.from(blob);
  copy[index] ^= 0x01;
  return copy;
}

// ---------------------------------------------------------------------------------------------
describe('client-kms against rotor (system clock)', { timeout: 300_000 }, () => {
  let rotor;
  let kms;

  before(async () => {
    rotor = await startRotor();
    kms = kmsClient(rotor.endpoint);
  }, HOOK);

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
  }, HOOK);

  // ---- keys --------------------------------------------------------------------------------
  it('CreateKey returns symmetric-default KeyMetadata with SDK-typed fields', T, async () => {
    const before = Date.now();
    const md = await createKey(kms, 'created by kms_client.test.mjs');
    assert.match(md.KeyId, KEY_ID_RE);
    assert.equal(md.Arn, keyArn(md.KeyId));
    assert.match(md.Arn, ARN_RE);
    assert.equal(md.AWSAccountId, ACCOUNT);
    assert.ok(md.CreationDate instanceof Date, `CreationDate is ${typeof md.CreationDate}`);
    assert.ok(!Number.isNaN(md.CreationDate.getTime()));
    assert.ok(Math.abs(md.CreationDate.getTime() - before) < 10 * 60_000,
      `CreationDate ${md.CreationDate.toISOString()} far from now`);
    assert.equal(md.Enabled, true);
    assert.equal(md.KeyState, 'Enabled');
    assert.equal(md.KeyUsage, 'ENCRYPT_DECRYPT');
    assert.equal(md.KeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(md.CustomerMasterKeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(md.Origin, 'AWS_KMS');
    assert.equal(md.KeyManager, 'CUSTOMER');
    assert.equal(md.MultiRegion, false);
    assert.deepEqual(md.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.equal(md.Description, 'created by kms_client.test.mjs');
    assert.equal(md.DeletionDate, undefined);
  });

  it('DescribeKey by id, ARN, alias name and alias ARN; field types', T, async () => {
    const created = await createKey(kms, 'describe me');
    const alias = `alias/e2e-js-describe-${randomUUID().slice(0, 8)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: created.KeyId }));

    for (const id of [created.KeyId, created.Arn, alias, aliasArn(alias)]) {
      const md = await describeKey(kms, id);
      assert.equal(md.KeyId, created.KeyId, `DescribeKey(${id}).KeyId`);
      assert.equal(md.Arn, created.Arn, `DescribeKey(${id}).Arn`);
      assert.ok(md.CreationDate instanceof Date, `DescribeKey(${id}).CreationDate is a Date`);
      assert.equal(md.CreationDate.getTime(), created.CreationDate.getTime());
      assert.equal(typeof md.Enabled, 'boolean');
      assert.equal(md.Enabled, true);
      assert.equal(md.KeyState, 'Enabled');
      assert.equal(md.KeyUsage, 'ENCRYPT_DECRYPT');
      assert.equal(md.KeySpec, 'SYMMETRIC_DEFAULT');
      assert.equal(md.Origin, 'AWS_KMS');
      assert.equal(md.KeyManager, 'CUSTOMER');
      assert.equal(md.MultiRegion, false);
      assert.equal(md.AWSAccountId, ACCOUNT);
      assert.equal(md.Description, 'describe me');
      assert.deepEqual(md.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
      assert.match(md.CurrentKeyMaterialId ?? '', MATERIAL_ID_RE, 'CurrentKeyMaterialId is 64 hex');
    }
  });

  // ---- Encrypt / Decrypt ---------------------------------------------------------------------
  it('Encrypt/Decrypt round trip with EncryptionContext (binary Uint8Array plaintexts)', T, async () => {
    const key = await createKey(kms);
    const ctx = { purpose: 'e2e', 'tenant/id': 'ünïcødé ✓', empty: '' };
    const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const plaintexts = [new Uint8Array([0]), allBytes, new Uint8Array(randomBytes(4096))];
    for (const pt of plaintexts) {
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: pt, EncryptionContext: ctx }));
      assert.equal(enc.KeyId, key.Arn, 'Encrypt.KeyId is the key ARN');
      assert.equal(enc.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      assert.ok(enc.CiphertextBlob instanceof Uint8Array);
      assert.ok(enc.CiphertextBlob.length > pt.length + 16, 'ciphertext carries header, IV and tag');
      assert.ok(!Buffer.from(enc.CiphertextBlob).includes(Buffer.from(pt)) || pt.length < 4,
        'plaintext must not appear in the blob');

      // No KeyId: the key comes from the blob.
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ctx }));
      assert.ok(dec.Plaintext instanceof Uint8Array);
      assert.ok(bytesEqual(dec.Plaintext, pt), `round trip of ${pt.length} bytes`);
      assert.equal(dec.KeyId, key.Arn);
      assert.equal(dec.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      if (dec.KeyMaterialId !== undefined) assert.match(dec.KeyMaterialId, MATERIAL_ID_RE);

      // With KeyId (bare id and ARN) and the context members in another order.
      const reordered = Object.fromEntries(Object.entries(ctx).reverse());
      for (const id of [key.KeyId, key.Arn]) {
        const dec2 = await kms.send(new DecryptCommand({ KeyId: id, CiphertextBlob: enc.CiphertextBlob, EncryptionContext: reordered }));
        assert.ok(bytesEqual(dec2.Plaintext, pt));
        assert.equal(dec2.KeyId, key.Arn);
      }
    }
  });

  it('two Encrypts of the same plaintext give different blobs', T, async () => {
    const key = await createKey(kms);
    const pt = utf8('same plaintext');
    const a = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: pt }));
    const b = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: pt }));
    assert.ok(!bytesEqual(a.CiphertextBlob, b.CiphertextBlob), 'random IV per Encrypt');
  });

  it('wrong, missing or colliding EncryptionContext -> InvalidCiphertextException (no message)', T, async () => {
    const key = await createKey(kms);
    const pt = utf8('context bound');
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: pt, EncryptionContext: { a: 'bc' } }));
    const blob = enc.CiphertextBlob;
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob })), 'InvalidCiphertextException', null);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: 'bd' } })),
      'InvalidCiphertextException', null);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { ab: 'c' } })),
      'InvalidCiphertextException', null);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: 'bc', x: 'y' } })),
      'InvalidCiphertextException', null);
    // ... and the right one still works.
    const ok = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: 'bc' } }));
    assert.equal(fromUtf8(ok.Plaintext), 'context bound');

    // A blob made without a context does not decrypt with one.
    const bare = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: pt }));
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: bare.CiphertextBlob, EncryptionContext: { a: 'bc' } })),
      'InvalidCiphertextException', null);
  });

  it('Encrypt plaintext limits: 4096 ok, 4097 -> ValidationException', T, async () => {
    const key = await createKey(kms);
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(4096) }));
    await expectAwsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(4097) })),
      'ValidationException',
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  it('DryRun Encrypt -> DryRunOperationException', T, async () => {
    const key = await createKey(kms);
    await expectAwsError(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('x'), DryRun: true })),
      'DryRunOperationException',
      'The request would have succeeded, but the DryRun option is set.',
      // HTTP 400, as recorded from AWS (the model's 412 is not what AWS sends).
      { status: [400] },
    );
  });

  // ---- data keys -------------------------------------------------------------------------------
  it('GenerateDataKey AES_256 gives 32 bytes that Decrypt of CiphertextBlob gives back', T, async () => {
    const key = await createKey(kms);
    const ctx = { app: 'e2e-js', dk: '1' };
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: ctx }));
    assert.ok(dk.Plaintext instanceof Uint8Array);
    assert.equal(dk.Plaintext.length, 32);
    assert.ok(dk.CiphertextBlob instanceof Uint8Array);
    assert.equal(dk.KeyId, key.Arn);
    if (dk.KeyMaterialId !== undefined) assert.match(dk.KeyMaterialId, MATERIAL_ID_RE);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ctx }));
    assert.ok(bytesEqual(dec.Plaintext, dk.Plaintext));
    assert.equal(dec.KeyId, key.Arn);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })), 'InvalidCiphertextException', null);
  });

  it('GenerateDataKey AES_128 / NumberOfBytes; GenerateDataKeyWithoutPlaintext', T, async () => {
    const key = await createKey(kms);
    const a128 = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_128' }));
    assert.equal(a128.Plaintext.length, 16);
    const n = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 64 }));
    assert.equal(n.Plaintext.length, 64);
    assert.ok(bytesEqual((await kms.send(new DecryptCommand({ CiphertextBlob: n.CiphertextBlob }))).Plaintext, n.Plaintext));

    const wp = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    assert.equal(wp.Plaintext, undefined);
    assert.equal(wp.KeyId, key.Arn);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: wp.CiphertextBlob }));
    assert.equal(dec.Plaintext.length, 32);

    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 1025 })),
      'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId })), 'ValidationException');
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', NumberOfBytes: 32 })),
      'ValidationException');
  });

  // ---- ReEncrypt -------------------------------------------------------------------------------
  it('ReEncrypt moves a ciphertext to another key and context', T, async () => {
    const src = await createKey(kms, 'reencrypt source');
    const dst = await createKey(kms, 'reencrypt destination');
    const pt = new Uint8Array(randomBytes(100));
    const enc = await kms.send(new EncryptCommand({ KeyId: src.KeyId, Plaintext: pt, EncryptionContext: { v: '1' } }));

    const re = await kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob,
      SourceEncryptionContext: { v: '1' },
      DestinationKeyId: dst.KeyId,
      DestinationEncryptionContext: { v: '2' },
    }));
    assert.ok(re.CiphertextBlob instanceof Uint8Array);
    assert.equal(re.SourceKeyId, src.Arn);
    assert.equal(re.KeyId, dst.Arn);
    assert.equal(re.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(re.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');

    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: '2' } }));
    assert.ok(bytesEqual(dec.Plaintext, pt));
    assert.equal(dec.KeyId, dst.Arn);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { v: '1' } })),
      'InvalidCiphertextException', null);

    // Wrong source context -> InvalidCiphertextException; SourceKeyId that does not match -> IncorrectKeyException.
    await expectAwsError(kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { v: 'x' }, DestinationKeyId: dst.KeyId,
    })), 'InvalidCiphertextException', null);
    await expectAwsError(kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceKeyId: dst.KeyId, SourceEncryptionContext: { v: '1' }, DestinationKeyId: dst.KeyId,
    })), 'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');

    // Same key, ReEncrypt just to change the context.
    const same = await kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { v: '1' }, DestinationKeyId: src.Arn,
    }));
    assert.equal(same.KeyId, src.Arn);
    assert.ok(bytesEqual((await kms.send(new DecryptCommand({ CiphertextBlob: same.CiphertextBlob }))).Plaintext, pt));
  });

  // ---- aliases ----------------------------------------------------------------------------------
  it('CreateAlias, Encrypt via alias name and alias ARN, ListAliases', T, async () => {
    const key = await createKey(kms, 'aliased');
    const alias = `alias/e2e-js-app-${randomUUID().slice(0, 8)}`;
    const createOut = await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    assert.equal(createOut.$metadata.httpStatusCode, 200);

    for (const id of [alias, aliasArn(alias)]) {
      const enc = await kms.send(new EncryptCommand({ KeyId: id, Plaintext: utf8(`via ${id}`) }));
      assert.equal(enc.KeyId, key.Arn, `Encrypt via ${id} answers with the key ARN`);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(fromUtf8(dec.Plaintext), `via ${id}`);
      assert.equal(dec.KeyId, key.Arn);
      // Decrypt with the alias as KeyId also identifies the right key.
      const dec2 = await kms.send(new DecryptCommand({ KeyId: id, CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(fromUtf8(dec2.Plaintext), `via ${id}`);
    }
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: alias, KeySpec: 'AES_256' }));
    assert.equal(dk.KeyId, key.Arn);

    // ListAliases (all, paginated) contains it.
    const all = [];
    let marker;
    for (let page = 0; page < 50; page++) {
      const out = await kms.send(new ListAliasesCommand({ ...(marker ? { Marker: marker } : {}) }));
      all.push(...(out.Aliases ?? []));
      if (!out.Truncated) break;
      marker = out.NextMarker;
    }
    const entry = all.find((a) => a.AliasName === alias);
    assert.ok(entry, `${alias} in ListAliases`);
    assert.equal(entry.AliasArn, aliasArn(alias));
    assert.equal(entry.TargetKeyId, key.KeyId, 'TargetKeyId is the bare key id');
    assert.ok(entry.CreationDate instanceof Date, 'alias CreationDate is a Date');
    if (entry.LastUpdatedDate !== undefined) assert.ok(entry.LastUpdatedDate instanceof Date);

    // ListAliases filtered by key.
    const byKey = await kms.send(new ListAliasesCommand({ KeyId: key.KeyId }));
    assert.deepEqual(byKey.Aliases.map((a) => a.AliasName), [alias]);
  });

  it('alias swap: old ciphertext still decrypts with the old key, ReEncrypt to the new one', T, async () => {
    const oldKey = await createKey(kms, 'old');
    const newKey = await createKey(kms, 'new');
    const alias = `alias/e2e-js-swap-${randomUUID().slice(0, 8)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: oldKey.KeyId }));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: alias, KeySpec: 'AES_256' }));
    assert.equal(dk.KeyId, oldKey.Arn);

    await kms.send(new UpdateAliasCommand({ AliasName: alias, TargetKeyId: newKey.KeyId }));
    assert.equal((await describeKey(kms, alias)).KeyId, newKey.KeyId);
    const enc = await kms.send(new EncryptCommand({ KeyId: alias, Plaintext: utf8('new') }));
    assert.equal(enc.KeyId, newKey.Arn);

    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    assert.equal(dec.KeyId, oldKey.Arn);
    assert.ok(bytesEqual(dec.Plaintext, dk.Plaintext));

    const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: dk.CiphertextBlob, DestinationKeyId: alias }));
    assert.equal(re.SourceKeyId, oldKey.Arn);
    assert.equal(re.KeyId, newKey.Arn);

    await kms.send(new DisableKeyCommand({ KeyId: oldKey.KeyId }));
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })),
      'DisabledException', `${oldKey.Arn} is disabled.`);
    const dec2 = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }));
    assert.ok(bytesEqual(dec2.Plaintext, dk.Plaintext));
    await kms.send(new EnableKeyCommand({ KeyId: oldKey.KeyId }));
    assert.ok(bytesEqual((await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }))).Plaintext, dk.Plaintext));
  });

  it('alias errors: missing prefix, unknown alias', T, async () => {
    const key = await createKey(kms);
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: key.KeyId })),
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: 'alias/e2e-js-does-not-exist', Plaintext: utf8('x') })),
      'NotFoundException', `Alias ${aliasArn('alias/e2e-js-does-not-exist')} is not found.`);
  });

  it('DeleteAlias, duplicate CreateAlias, alias of another key as Decrypt KeyId', T, async () => {
    const a = await createKey(kms);
    const b = await createKey(kms);
    const alias = `alias/e2e-js-dup-${randomUUID().slice(0, 8)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: a.KeyId }));
    await expectAwsError(kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: b.KeyId })), 'AlreadyExistsException');

    const enc = await kms.send(new EncryptCommand({ KeyId: b.KeyId, Plaintext: utf8('b') }));
    await expectAwsError(kms.send(new DecryptCommand({ KeyId: alias, CiphertextBlob: enc.CiphertextBlob })),
      'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');

    await kms.send(new DeleteAliasCommand({ AliasName: alias }));
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: alias, Plaintext: utf8('x') })),
      'NotFoundException', `Alias ${aliasArn(alias)} is not found.`);
    assert.equal((await describeKey(kms, a.KeyId)).KeyState, 'Enabled', 'deleting an alias leaves the key');
  });

  it('ReEncrypt to a disabled destination -> DisabledException naming the destination', T, async () => {
    const src = await createKey(kms);
    const dst = await createKey(kms);
    const enc = await kms.send(new EncryptCommand({ KeyId: src.KeyId, Plaintext: utf8('re') }));
    await kms.send(new DisableKeyCommand({ KeyId: dst.KeyId }));
    await expectAwsError(kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: dst.KeyId })),
      'DisabledException', `${dst.Arn} is disabled.`);
  });

  it('Encrypt of an empty plaintext -> ValidationException', T, async () => {
    const key = await createKey(kms);
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: new Uint8Array(0) })), 'ValidationException');
  });

  // ---- errors -----------------------------------------------------------------------------------
  it('NotFoundException texts for malformed and unknown key ids', T, async () => {
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: 'nope' })), 'NotFoundException', "Invalid keyId 'nope'");
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: 'nope', Plaintext: utf8('x') })),
      'NotFoundException', "Invalid keyId 'nope'");
    const missing = randomUUID();
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: missing })),
      'NotFoundException', `Key '${keyArn(missing)}' does not exist`);
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: keyArn(missing), Plaintext: utf8('x') })),
      'NotFoundException', `Key '${keyArn(missing)}' does not exist`);
  });

  it('DisabledException "<arn> is disabled." for Encrypt, Decrypt, GenerateDataKey; EnableKey restores', T, async () => {
    const key = await createKey(kms);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('before disable') }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const md = await describeKey(kms, key.KeyId);
    assert.equal(md.KeyState, 'Disabled');
    assert.equal(md.Enabled, false);

    const msg = `${key.Arn} is disabled.`;
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('x') })), 'DisabledException', msg);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'DisabledException', msg);
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' })), 'DisabledException', msg);

    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    assert.equal(fromUtf8(dec.Plaintext), 'before disable');
  });

  it('tampered, truncated or junk blobs -> InvalidCiphertextException', T, async () => {
    const key = await createKey(kms);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('do not tamper'), EncryptionContext: { k: 'v' } }));
    const blob = enc.CiphertextBlob;
    // Every single-byte change anywhere in the blob (header, key id, version, IV, ciphertext, tag).
    for (let i = 0; i < blob.length; i++) {
      let err;
      try {
        await kms.send(new DecryptCommand({ CiphertextBlob: flip(blob, i), EncryptionContext: { k: 'v' } }));
      } catch (e) { err = e; }
      assert.ok(err, `flip at ${i}/${blob.length} must not decrypt`);
      assert.equal(`${err.name} (HTTP ${err.$metadata?.httpStatusCode})`, 'InvalidCiphertextException (HTTP 400)',
        `flip at byte ${i}/${blob.length}: ${err.name}: ${err.message}`);
    }
    for (const len of [1, 8, blob.length - 16, blob.length - 1]) {
      await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: blob.slice(0, len), EncryptionContext: { k: 'v' } })),
        'InvalidCiphertextException', null);
    }
    const longer = new Uint8Array(blob.length + 1);
    longer.set(blob);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: longer, EncryptionContext: { k: 'v' } })),
      'InvalidCiphertextException', null);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: new Uint8Array(randomBytes(200)) })),
      'InvalidCiphertextException', null);
    // The original still works.
    const ok = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { k: 'v' } }));
    assert.equal(fromUtf8(ok.Plaintext), 'do not tamper');
  });

  it('Decrypt with a KeyId that does not match the blob -> IncorrectKeyException', T, async () => {
    const a = await createKey(kms);
    const b = await createKey(kms);
    const enc = await kms.send(new EncryptCommand({ KeyId: a.KeyId, Plaintext: utf8('for a') }));
    for (const id of [b.KeyId, b.Arn]) {
      await expectAwsError(kms.send(new DecryptCommand({ KeyId: id, CiphertextBlob: enc.CiphertextBlob })),
        'IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
  });

  // ---- rotation -----------------------------------------------------------------------------------
  it('EnableKeyRotation / GetKeyRotationStatus / DisableKeyRotation', T, async () => {
    const key = await createKey(kms);
    let st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.KeyRotationEnabled, false);

    const t0 = Date.now();
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.KeyRotationEnabled, true);
    assert.equal(st.KeyId, key.Arn);
    assert.equal(st.RotationPeriodInDays, 365);
    assert.ok(st.NextRotationDate instanceof Date, 'NextRotationDate is a Date');
    const delta = st.NextRotationDate.getTime() - t0;
    // default jitter window is 24h
    assert.ok(delta > 363 * DAY_MS && delta < 367 * DAY_MS, `NextRotationDate ${st.NextRotationDate.toISOString()}`);
    assert.equal(st.OnDemandRotationStartDate, undefined);

    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.RotationPeriodInDays, 90);

    await expectAwsError(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 89 })), 'ValidationException');

    await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
    st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.KeyRotationEnabled, false);

    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectAwsError(kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })), 'DisabledException', `${key.Arn} is disabled.`);
  });

  it('RotateKeyOnDemand: new current material, ListKeyRotations, old ciphertext decrypts', T, async () => {
    const key = await createKey(kms);
    const firstMaterial = (await describeKey(kms, key.KeyId)).CurrentKeyMaterialId;
    assert.match(firstMaterial, MATERIAL_ID_RE);
    const ctx = { rot: 'demand' };
    const old = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('old material'), EncryptionContext: ctx }));

    assert.deepEqual(await listRotations(kms, key.KeyId), [], 'no rotations yet (ROTATIONS_ONLY)');

    const rot = await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    assert.equal(rot.KeyId, key.Arn, 'RotateKeyOnDemand answers the key ARN, as AWS does');
    await waitOnDemandRotationDone(kms, key.KeyId);

    const md = await describeKey(kms, key.KeyId);
    assert.match(md.CurrentKeyMaterialId, MATERIAL_ID_RE);
    assert.notEqual(md.CurrentKeyMaterialId, firstMaterial, 'CurrentKeyMaterialId changes on rotation');

    const rotations = await listRotations(kms, key.KeyId);
    assert.equal(rotations.length, 1, JSON.stringify(rotations));
    const [entry] = rotations;
    assert.equal(entry.RotationType, 'ON_DEMAND');
    assert.equal(entry.KeyMaterialState, 'CURRENT');
    assert.equal(entry.KeyMaterialId, md.CurrentKeyMaterialId);
    assert.ok(entry.RotationDate instanceof Date, 'RotationDate is a Date');
    assert.ok(Math.abs(entry.RotationDate.getTime() - Date.now()) < 10 * 60_000);
    assert.ok(entry.KeyId === key.KeyId || entry.KeyId === key.Arn, `entry.KeyId ${entry.KeyId}`);

    const all = await listRotations(kms, key.KeyId, 'ALL_KEY_MATERIAL');
    assert.equal(all.length, 2, JSON.stringify(all));
    const initial = all.find((e) => e.KeyMaterialId === firstMaterial);
    assert.ok(initial, 'initial material listed with ALL_KEY_MATERIAL');
    assert.equal(initial.KeyMaterialState, 'NON_CURRENT');
    assert.equal(initial.RotationType, undefined);
    assert.equal(initial.RotationDate, undefined);

    // Old ciphertext (old material) still decrypts; new Encrypt uses the new material.
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob, EncryptionContext: ctx }));
    assert.equal(fromUtf8(dec.Plaintext), 'old material');
    if (dec.KeyMaterialId !== undefined) assert.equal(dec.KeyMaterialId, firstMaterial);
    const fresh = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('new material'), EncryptionContext: ctx }));
    const dec2 = await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob, EncryptionContext: ctx }));
    assert.equal(fromUtf8(dec2.Plaintext), 'new material');
    if (dec2.KeyMaterialId !== undefined) assert.equal(dec2.KeyMaterialId, md.CurrentKeyMaterialId);

    // ReEncrypt of the old blob onto the same key lands on the current material.
    const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: old.CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: key.KeyId }));
    if (re.SourceKeyMaterialId !== undefined) assert.equal(re.SourceKeyMaterialId, firstMaterial);
    if (re.DestinationKeyMaterialId !== undefined) assert.equal(re.DestinationKeyMaterialId, md.CurrentKeyMaterialId);
  });

  it('RotateKeyOnDemand does not change the automatic schedule', T, async () => {
    const key = await createKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    const before = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const after = await waitOnDemandRotationDone(kms, key.KeyId);
    assert.equal(after.KeyRotationEnabled, true);
    assert.equal(after.NextRotationDate?.getTime(), before.NextRotationDate?.getTime());
  });

  it('RotateKeyOnDemand on a disabled key -> DisabledException', T, async () => {
    const key = await createKey(kms);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), 'DisabledException', `${key.Arn} is disabled.`);
  });

  it('ListKeyRotations paginates with Limit', T, async () => {
    const key = await createKey(kms);
    for (let i = 0; i < 3; i++) {
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      await waitOnDemandRotationDone(kms, key.KeyId);
    }
    const first = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2 }));
    assert.equal(first.Rotations.length, 2);
    assert.equal(first.Truncated, true);
    assert.ok(first.NextMarker, 'NextMarker when truncated');
    const second = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2, Marker: first.NextMarker }));
    assert.equal(second.Rotations.length, 1);
    assert.equal(second.Truncated, false);
    assert.equal(second.NextMarker, undefined);
    const ids = [...first.Rotations, ...second.Rotations].map((r) => r.KeyMaterialId);
    assert.equal(new Set(ids).size, 3, 'no duplicates across pages');
    assert.deepEqual([...first.Rotations, ...second.Rotations].map((r) => r.RotationType), ['ON_DEMAND', 'ON_DEMAND', 'ON_DEMAND']);
  });

  it('GenerateRandom', T, async () => {
    const r = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 1024 }));
    assert.ok(r.Plaintext instanceof Uint8Array);
    assert.equal(r.Plaintext.length, 1024);
    await expectAwsError(kms.send(new GenerateRandomCommand({})), 'ValidationException', 'NumberOfBytes is required.');
    await expectAwsError(kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })), 'ValidationException',
      "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  });

  it('DryRun on Decrypt, GenerateDataKey, ReEncrypt; checks run before the DryRun answer', T, async () => {
    const key = await createKey(kms);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('dry'), EncryptionContext: { d: 'r' } }));
    const dry = ['DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.', { status: [400] }];
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { d: 'r' }, DryRun: true })), ...dry);
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', DryRun: true })), ...dry);
    await expectAwsError(kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { d: 'r' }, DestinationKeyId: key.KeyId, DryRun: true,
    })), ...dry);
    // A DryRun that would fail reports the real error.
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, DryRun: true })),
      'InvalidCiphertextException', null);
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('x'), DryRun: true })),
      'DisabledException', `${key.Arn} is disabled.`);
  });

  it('pending deletion: crypto ops -> KMSInvalidStateException; CancelKeyDeletion leaves it Disabled', T, async () => {
    const key = await createKey(kms);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('keep me') }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    const sched = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal(sched.KeyId, key.Arn);
    assert.equal(sched.KeyState, 'PendingDeletion');
    assert.equal(sched.PendingWindowInDays, 7);
    assert.ok(sched.DeletionDate instanceof Date);
    const days = (sched.DeletionDate.getTime() - Date.now()) / DAY_MS;
    assert.ok(days > 6.9 && days < 7.1, `DeletionDate ${sched.DeletionDate.toISOString()}`);

    const md = await describeKey(kms, key.KeyId);
    assert.equal(md.KeyState, 'PendingDeletion');
    assert.equal(md.Enabled, false);
    assert.ok(md.DeletionDate instanceof Date);

    const msg = `${key.Arn} is pending deletion.`;
    await expectAwsError(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('x') })), 'KMSInvalidStateException', msg);
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'KMSInvalidStateException', msg);
    await expectAwsError(kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' })), 'KMSInvalidStateException', msg);
    const st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.KeyRotationEnabled, false, 'rotation reads false while pending deletion');

    const cancel = await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    assert.equal(cancel.KeyId, key.Arn);
    const after = await describeKey(kms, key.KeyId);
    assert.equal(after.KeyState, 'Disabled');
    assert.equal(after.DeletionDate, undefined);
    assert.equal((await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }))).KeyRotationEnabled, true,
      'rotation status restored by CancelKeyDeletion');
    await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })), 'DisabledException', `${key.Arn} is disabled.`);
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    assert.equal(fromUtf8((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext), 'keep me');
  });

  it('regions and accounts are isolated (SigV4 region, 12-digit access key = account)', T, async () => {
    const west = kmsClient(rotor.endpoint, { region: 'us-west-2' });
    const other = kmsClient(rotor.endpoint, { credentials: { accessKeyId: '444455556666', secretAccessKey: 'x' } });
    try {
      const wk = (await west.send(new CreateKeyCommand({}))).KeyMetadata;
      assert.equal(wk.Arn, `arn:aws:kms:us-west-2:${ACCOUNT}:key/${wk.KeyId}`);
      const wenc = await west.send(new EncryptCommand({ KeyId: wk.KeyId, Plaintext: utf8('west') }));
      assert.equal(wenc.KeyId, wk.Arn);
      await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: wk.KeyId })),
        'NotFoundException', `Key '${keyArn(wk.KeyId)}' does not exist`);
      await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: wk.Arn })), 'NotFoundException', 'Invalid arn us-west-2');
      await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: wenc.CiphertextBlob })), 'InvalidCiphertextException', null);
      assert.equal(fromUtf8((await west.send(new DecryptCommand({ CiphertextBlob: wenc.CiphertextBlob }))).Plaintext), 'west');

      const ok = (await other.send(new CreateKeyCommand({}))).KeyMetadata;
      assert.equal(ok.AWSAccountId, '444455556666');
      assert.equal(ok.Arn, `arn:aws:kms:${REGION}:444455556666:key/${ok.KeyId}`);
      const oenc = await other.send(new EncryptCommand({ KeyId: ok.KeyId, Plaintext: utf8('other account') }));
      await expectAwsError(kms.send(new DecryptCommand({ CiphertextBlob: oenc.CiphertextBlob })), 'InvalidCiphertextException', null);
      await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: ok.KeyId })),
        'NotFoundException', `Key '${keyArn(ok.KeyId)}' does not exist`);
      assert.equal(fromUtf8((await other.send(new DecryptCommand({ CiphertextBlob: oenc.CiphertextBlob }))).Plaintext), 'other account');
    } finally {
      west.destroy();
      other.destroy();
    }
  });

  it('POST /_rotor/clock on a system clock -> 409 ClockException', T, async () => {
    const r = await postClockRaw(rotor.endpoint, { advance: '1d' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json?.__type, 'ClockException');
    const c = await getClock(rotor.endpoint);
    assert.equal(c.virtual, false);
  });
});

// ---------------------------------------------------------------------------------------------
describe('client-kms against rotor (virtual clock, no jitter)', { timeout: 300_000 }, () => {
  let rotor;
  let kms;

  before(async () => {
    rotor = await startRotor({ args: ['--clock', 'virtual', '--rotation-jitter', '0'] });
    kms = kmsClient(rotor.endpoint);
  }, HOOK);

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
  }, HOOK);

  it('virtual clock stands still until advanced', T, async () => {
    const a = await getClock(rotor.endpoint);
    assert.equal(a.virtual, true);
    await sleep(1100);
    const b = await getClock(rotor.endpoint);
    assert.equal(b.now, a.now, 'virtual time does not move by itself');
    const key = await createKey(kms);
    assert.ok(Math.abs(key.CreationDate.getTime() - Date.parse(a.now)) < 1000,
      `CreationDate ${key.CreationDate.toISOString()} comes from the virtual clock (${a.now})`);
  });

  it('advance 366d: automatic rotation fires, old ciphertext decrypts, ListKeyRotations shows AUTOMATIC', T, async () => {
    const key = await createKey(kms);
    const firstMaterial = (await describeKey(kms, key.KeyId)).CurrentKeyMaterialId;
    const t0 = Date.parse((await getClock(rotor.endpoint)).now);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    const st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.RotationPeriodInDays, 365);
    assert.ok(Math.abs(st.NextRotationDate.getTime() - (t0 + 365 * DAY_MS)) <= 1000,
      `NextRotationDate ${st.NextRotationDate.toISOString()} != t0+365d ${new Date(t0 + 365 * DAY_MS).toISOString()} (jitter 0)`);

    const ctx = { year: 'one' };
    const old = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('year one'), EncryptionContext: ctx }));
    const oldDk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));

    const adv = await advanceClock(rotor.endpoint, '366d');
    assert.equal(Date.parse(adv.now), t0 + 366 * DAY_MS, `clock now ${adv.now}`);
    assert.ok(Array.isArray(adv.fired), 'fired is an array');
    const mine = adv.fired.filter((e) => e.keyId === key.KeyId || e.keyId === key.Arn);
    assert.equal(mine.length, 1, `fired: ${JSON.stringify(adv.fired)}`);
    const [ev] = mine;
    assert.equal(ev.event, 'RotateKey');
    assert.equal(ev.account, ACCOUNT);
    assert.equal(ev.region, 'us-east-1');
    assert.ok(Math.abs(Date.parse(ev.time) - (t0 + 365 * DAY_MS)) <= 1000, `event time ${ev.time}`);
    const m = /^AUTOMATIC ([0-9a-f]{64})$/.exec(ev.detail);
    assert.ok(m, `detail ${ev.detail}`);
    const newMaterial = m[1];

    const c = await getClock(rotor.endpoint);
    assert.equal(Date.parse(c.now), t0 + 366 * DAY_MS);

    const md = await describeKey(kms, key.KeyId);
    assert.equal(md.CurrentKeyMaterialId, newMaterial);
    assert.notEqual(newMaterial, firstMaterial);

    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob, EncryptionContext: ctx }));
    assert.equal(fromUtf8(dec.Plaintext), 'year one');
    const decDk = await kms.send(new DecryptCommand({ CiphertextBlob: oldDk.CiphertextBlob }));
    assert.ok(bytesEqual(decDk.Plaintext, oldDk.Plaintext));

    const rotations = await listRotations(kms, key.KeyId);
    assert.equal(rotations.length, 1, JSON.stringify(rotations));
    assert.equal(rotations[0].RotationType, 'AUTOMATIC');
    assert.equal(rotations[0].KeyMaterialId, newMaterial);
    assert.equal(rotations[0].KeyMaterialState, 'CURRENT');
    assert.ok(rotations[0].RotationDate instanceof Date);
    assert.ok(Math.abs(rotations[0].RotationDate.getTime() - (t0 + 365 * DAY_MS)) <= 1000,
      `RotationDate ${rotations[0].RotationDate.toISOString()}`);

    const st2 = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st2.KeyRotationEnabled, true);
    assert.ok(Math.abs(st2.NextRotationDate.getTime() - (t0 + 730 * DAY_MS)) <= 1000,
      `NextRotationDate after the rotation ${st2.NextRotationDate.toISOString()}`);

    const fresh = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('year two'), EncryptionContext: ctx }));
    assert.equal(fromUtf8((await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob, EncryptionContext: ctx }))).Plaintext), 'year two');
  });

  it('90-day period: two steps of 100d give two AUTOMATIC rotations; all ciphertexts decrypt', T, async () => {
    const key = await createKey(kms);
    const t0 = Date.parse((await getClock(rotor.endpoint)).now);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const blobs = [];
    blobs.push(await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('c0') })));
    const adv1 = await advanceClock(rotor.endpoint, '100d');
    assert.equal(adv1.fired.filter((e) => e.keyId === key.KeyId || e.keyId === key.Arn).length, 1, JSON.stringify(adv1.fired));
    blobs.push(await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('c1') })));
    const adv2 = await advanceClock(rotor.endpoint, '100d');
    assert.equal(adv2.fired.filter((e) => e.keyId === key.KeyId || e.keyId === key.Arn).length, 1, JSON.stringify(adv2.fired));
    blobs.push(await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('c2') })));

    for (let i = 0; i < blobs.length; i++) {
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blobs[i].CiphertextBlob }));
      assert.equal(fromUtf8(dec.Plaintext), `c${i}`);
    }
    const rotations = await listRotations(kms, key.KeyId);
    assert.equal(rotations.length, 2, JSON.stringify(rotations));
    assert.deepEqual(rotations.map((r) => r.RotationType), ['AUTOMATIC', 'AUTOMATIC']);
    const dates = rotations.map((r) => r.RotationDate.getTime()).sort((a, b) => a - b);
    assert.ok(Math.abs(dates[0] - (t0 + 90 * DAY_MS)) <= 1000, new Date(dates[0]).toISOString());
    assert.ok(Math.abs(dates[1] - (t0 + 180 * DAY_MS)) <= 1000, new Date(dates[1]).toISOString());
    assert.equal(rotations.filter((r) => r.KeyMaterialState === 'CURRENT').length, 1);
  });

  it('a disabled key is not rotated when its date passes', T, async () => {
    const key = await createKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st.KeyRotationEnabled, true, 'disabling the key keeps the rotation status');
    const adv = await advanceClock(rotor.endpoint, '100d');
    assert.deepEqual(adv.fired.filter((e) => e.keyId === key.KeyId || e.keyId === key.Arn), []);
    assert.deepEqual(await listRotations(kms, key.KeyId), []);
  });

  it('setting the virtual clock into the past -> 400', T, async () => {
    const r = await postClockRaw(rotor.endpoint, { set: '2000-01-01T00:00:00Z' });
    assert.equal(r.status, 400, r.text);
  });
});

// ---------------------------------------------------------------------------------------------
describe('client-kms against rotor (virtual clock, on-demand delay 1h, limit 2)', { timeout: 300_000 }, () => {
  let rotor;
  let kms;

  before(async () => {
    rotor = await startRotor({
      args: ['--clock', 'virtual', '--rotation-jitter', '0', '--on-demand-rotation-delay', '1h', '--on-demand-rotation-limit', '2'],
    });
    kms = kmsClient(rotor.endpoint);
  }, HOOK);

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
  }, HOOK);

  it('an on-demand rotation stays in progress until the clock passes the delay', T, async () => {
    const key = await createKey(kms);
    const firstMaterial = (await describeKey(kms, key.KeyId)).CurrentKeyMaterialId;
    const now = Date.parse((await getClock(rotor.endpoint)).now);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8('pre') }));

    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const st = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.ok(st.OnDemandRotationStartDate instanceof Date, 'OnDemandRotationStartDate while in progress');
    assert.ok(Math.abs(st.OnDemandRotationStartDate.getTime() - now) < 1000);
    assert.deepEqual(await listRotations(kms, key.KeyId), [], 'not rotated yet');
    assert.equal((await describeKey(kms, key.KeyId)).CurrentKeyMaterialId, firstMaterial);

    await advanceClock(rotor.endpoint, '61m');
    const st2 = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(st2.OnDemandRotationStartDate, undefined, 'done after the delay');
    const rotations = await listRotations(kms, key.KeyId);
    assert.equal(rotations.length, 1, JSON.stringify(rotations));
    assert.equal(rotations[0].RotationType, 'ON_DEMAND');
    assert.notEqual((await describeKey(kms, key.KeyId)).CurrentKeyMaterialId, firstMaterial);
    assert.equal(fromUtf8((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext), 'pre');
  });

  it('the on-demand rotation limit -> LimitExceededException', T, async () => {
    const key = await createKey(kms);
    for (let i = 0; i < 2; i++) {
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
      await advanceClock(rotor.endpoint, '61m');
    }
    assert.equal((await listRotations(kms, key.KeyId)).length, 2);
    await expectAwsError(kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })), 'LimitExceededException',
      `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`);
  });

  it('ScheduleKeyDeletion fires when the window passes: key and alias are gone', T, async () => {
    const key = await createKey(kms);
    const alias = `alias/e2e-js-doomed-${randomUUID().slice(0, 8)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    const adv = await advanceClock(rotor.endpoint, '6d');
    assert.deepEqual(adv.fired.filter((e) => e.keyId === key.KeyId || e.keyId === key.Arn), []);
    assert.equal((await describeKey(kms, key.KeyId)).KeyState, 'PendingDeletion');

    const adv2 = await advanceClock(rotor.endpoint, '2d');
    const mine = adv2.fired.filter((e) => e.keyId === key.KeyId || e.keyId === key.Arn);
    assert.equal(mine.length, 1, JSON.stringify(adv2.fired));
    await expectAwsError(kms.send(new DescribeKeyCommand({ KeyId: key.KeyId })),
      'NotFoundException', `Key '${key.Arn}' does not exist`);
    const aliases = await kms.send(new ListAliasesCommand({}));
    assert.ok(!(aliases.Aliases ?? []).some((a) => a.AliasName === alias), 'alias deleted with the key');
  });
});

// ---------------------------------------------------------------------------------------------
describe('persistence: a restart with the same --data-dir keeps everything decryptable', { timeout: 300_000 }, () => {
  let dataDir;
  let rotor;
  let kms;

  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'rotor-e2e-js-persist-'));
  });

  after(async () => {
    kms?.destroy();
    await rotor?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, HOOK);

  function filesUnder(dir) {
    const out = [];
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) out.push(...filesUnder(p));
      else if (st.isFile()) out.push(p);
    }
    return out;
  }

  it('keys, aliases, rotations and ciphertexts survive a SIGTERM restart; no plaintext on disk', { timeout: 60_000 }, async () => {
    rotor = await startRotor({ dataDir });
    kms = kmsClient(rotor.endpoint);
    const key = await createKey(kms, 'persistent');
    const alias = `alias/e2e-js-persist-${randomUUID().slice(0, 8)}`;
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    const secret = `persist-secret-${randomUUID()}`;
    const ctx = { persisted: 'yes' };
    const before = await kms.send(new EncryptCommand({ KeyId: alias, Plaintext: utf8(secret), EncryptionContext: ctx }));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    await waitOnDemandRotationDone(kms, key.KeyId);
    const afterRot = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: utf8(`${secret}-2`), EncryptionContext: ctx }));
    const mdBefore = await describeKey(kms, key.KeyId);
    const statusBefore = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));

    kms.destroy();
    const exit = await rotor.stop();
    rotor = null;
    assert.notEqual(exit, 'timeout', 'rotor exited after SIGTERM');
    assert.notEqual(exit?.signal, 'SIGKILL', `rotor needed SIGKILL: ${JSON.stringify(exit)}`);

    // Nothing we sent or received in the clear is on disk (database, WAL, anything else).
    const files = filesUnder(dataDir);
    assert.ok(files.length > 0, 'the data dir holds files');
    for (const f of files) {
      const raw = readFileSync(f);
      assert.ok(!raw.includes(Buffer.from(secret)), `${path.basename(f)} contains the plaintext`);
      assert.ok(!raw.includes(Buffer.from(dk.Plaintext)), `${path.basename(f)} contains the data key`);
    }

    rotor = await startRotor({ dataDir });
    kms = kmsClient(rotor.endpoint);
    const mdAfter = await describeKey(kms, alias);
    assert.equal(mdAfter.KeyId, key.KeyId);
    assert.equal(mdAfter.CurrentKeyMaterialId, mdBefore.CurrentKeyMaterialId);
    assert.equal(mdAfter.CreationDate.getTime(), mdBefore.CreationDate.getTime());
    const statusAfter = await kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId }));
    assert.equal(statusAfter.KeyRotationEnabled, true);
    assert.equal(statusAfter.RotationPeriodInDays, 180);
    assert.equal(statusAfter.NextRotationDate?.getTime(), statusBefore.NextRotationDate?.getTime());
    assert.equal((await listRotations(kms, key.KeyId)).length, 1);

    assert.equal(fromUtf8((await kms.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob, EncryptionContext: ctx }))).Plaintext), secret);
    assert.equal(fromUtf8((await kms.send(new DecryptCommand({ CiphertextBlob: afterRot.CiphertextBlob, EncryptionContext: ctx }))).Plaintext), `${secret}-2`);
    assert.ok(bytesEqual((await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }))).Plaintext, dk.Plaintext));
    const enc = await kms.send(new EncryptCommand({ KeyId: alias, Plaintext: utf8('after restart') }));
    assert.equal(enc.KeyId, key.Arn);
  });
});
