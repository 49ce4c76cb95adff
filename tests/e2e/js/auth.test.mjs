// Strict mode (--auth strict, issue 14) with the AWS SDK for JavaScript v3: the SDK's
// SigV4 signature verified with the credentials file's secret; a wrong secret gets
// AWS's InvalidSignatureException, an unknown key UnrecognizedClientException.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CreateKeyCommand, EncryptCommand, DecryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';

import { kmsClient, startRotor } from './harness.mjs';

const APP = { accessKeyId: 'AKIAJSAPPEXAMPLE0001', secretAccessKey: 'js-app-secret' };
const SESSION = {
  accessKeyId: 'ASIAJSSESSIONEXAMPLE',
  secretAccessKey: 'js-session-secret',
  sessionToken: 'js-session-token',
};
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your ' +
  'AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('strict mode: the JS SDK signs with a credentials file key', () => {
  let rotor;
  let dir;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rotor-js-auth-'));
    const file = path.join(dir, 'credentials.json');
    writeFileSync(file, JSON.stringify({
      credentials: [
        { access_key_id: APP.accessKeyId, secret_access_key: APP.secretAccessKey,
          principal: 'arn:aws:iam::111122223333:user/js-app' },
        { access_key_id: SESSION.accessKeyId, secret_access_key: SESSION.secretAccessKey,
          session_token: SESSION.sessionToken,
          principal: 'arn:aws:sts::555566667777:assumed-role/js/run' },
      ],
    }));
    rotor = await startRotor({ args: ['--auth', 'strict', '--credentials-file', file] });
  });
  after(async () => {
    await rotor?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes with the right secret and session token, each in its own account', async () => {
    const app = kmsClient(rotor.endpoint, { credentials: { ...APP } });
    const key = (await app.send(new CreateKeyCommand({}))).KeyMetadata;
    assert.match(key.Arn, /^arn:aws:kms:us-east-1:111122223333:key\//);
    const { CiphertextBlob } = await app.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('js') }));
    const { Plaintext } = await app.send(new DecryptCommand({ CiphertextBlob }));
    assert.equal(Buffer.from(Plaintext).toString(), 'js');
    const session = kmsClient(rotor.endpoint, { credentials: { ...SESSION } });
    const other = (await session.send(new CreateKeyCommand({}))).KeyMetadata;
    assert.match(other.Arn, /^arn:aws:kms:us-east-1:555566667777:key\//);
  });

  it('answers AWS errors for a wrong secret and an unknown key', async () => {
    const wrong = kmsClient(rotor.endpoint, { credentials: { ...APP, secretAccessKey: 'wrong' } });
    await assert.rejects(wrong.send(new ListKeysCommand({})), (e) => {
      assert.equal(e.name, 'InvalidSignatureException');
      assert.equal(e.message, MISMATCH);
      assert.equal(e.$metadata.httpStatusCode, 400);
      return true;
    });
    const unknown = kmsClient(rotor.endpoint);
    await assert.rejects(unknown.send(new ListKeysCommand({})), (e) => {
      assert.equal(e.name, 'UnrecognizedClientException');
      assert.equal(e.message, 'The security token included in the request is invalid.');
      return true;
    });
  });
});
