import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPkcs12, createSelfSigned, type IssuedCertificate, type KeyType, Pkcs12PasswordError, readPkcs12 } from '../../src/pki';

const dir = mkdtempSync(join(tmpdir(), 'ucmsim-p12-'));
let n = 0;
function file(data: string | Buffer, ext = 'pem'): string {
  const path = join(dir, `f${n++}.${ext}`);
  writeFileSync(path, data);
  return path;
}
function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const PASSWORD = 'Cisco!2345';

function itlRecovery(keyType: KeyType): Promise<IssuedCertificate> {
  return createSelfSigned({
    keyType, keySize: keyType === 'RSA' ? 2048 : 256, hash: 'SHA256', purpose: 'ITLRecovery',
    subject: { CN: 'ITLRECOVERY_cucm-pub.example.com', OU: 'IT', O: 'Example', L: 'RTP', ST: 'NC', C: 'US' },
    notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2043-12-27T00:00:00Z'),
  });
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('pki: PKCS#12', () => {
  for (const keyType of ['RSA', 'EC'] as const) {
    it(`opens with OpenSSL 3 without -legacy and holds the same ${keyType} certificate and key`, async () => {
      const issued = await itlRecovery(keyType);
      const p12 = file(buildPkcs12({ ...issued, password: PASSWORD, friendlyName: 'ITLRecovery' }), 'p12');
      const all = openssl('pkcs12', '-in', p12, '-passin', `pass:${PASSWORD}`, '-nodes');
      assert.match(all, /-----BEGIN PRIVATE KEY-----/);
      assert.match(all, /friendlyName: ITLRecovery/);
      const cert = openssl('x509', '-in', file(openssl('pkcs12', '-in', p12, '-passin', `pass:${PASSWORD}`, '-nokeys', '-clcerts')));
      assert.equal(cert, issued.certPem);
      const key = openssl('pkey', '-in', file(openssl('pkcs12', '-in', p12, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes')));
      assert.equal(key, openssl('pkey', '-in', file(issued.keyPem)));
      // -info reports the algorithms on stderr.
      const info = spawnSync('openssl', ['pkcs12', '-in', p12, '-passin', `pass:${PASSWORD}`, '-info', '-noout'], { encoding: 'utf8' });
      assert.match(info.stderr, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/);
    });
  }

  it('reads back what it wrote', async () => {
    const issued = await itlRecovery('EC');
    const p12 = buildPkcs12({ ...issued, password: PASSWORD, friendlyName: 'ITLRecovery' });
    assert.deepEqual(readPkcs12(p12, PASSWORD), { keyPem: issued.keyPem, certPem: issued.certPem });
  });

  it('reads a PKCS#12 made by OpenSSL 3 with its defaults (AES-256, SHA-256 MAC)', () => {
    const key = join(dir, 'ossl.key');
    const cert = join(dir, 'ossl.pem');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=ossl', '-days', '10');
    const p12 = join(dir, 'ossl.p12');
    openssl('pkcs12', '-export', '-in', cert, '-inkey', key, '-passout', 'pass:pw', '-out', p12);
    const read = readPkcs12(readFileSync(p12), 'pw');
    assert.equal(read.certPem, readFileSync(cert, 'utf8'));
    assert.equal(openssl('pkey', '-in', file(read.keyPem)), openssl('pkey', '-in', key));
  });

  it('tells a wrong password apart from a file that is not PKCS#12', async () => {
    const issued = await itlRecovery('EC');
    const p12 = buildPkcs12({ ...issued, password: PASSWORD, friendlyName: 'ITLRecovery' });
    assert.throws(() => readPkcs12(p12, 'wrong'), Pkcs12PasswordError);
    assert.throws(() => openssl('pkcs12', '-in', file(p12, 'p12'), '-passin', 'pass:wrong', '-nodes'));
    for (const garbage of [Buffer.from('not a p12 at all'), Buffer.alloc(0), p12.subarray(0, 100)]) {
      assert.throws(() => readPkcs12(garbage, PASSWORD), (e: Error) => !(e instanceof Pkcs12PasswordError) && /PKCS#12/.test(e.message));
    }
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const [a, b] = await Promise.all([itlRecovery('EC'), itlRecovery('EC')]);
    assert.throws(() => buildPkcs12({ keyPem: a.keyPem, certPem: b.certPem, password: PASSWORD, friendlyName: 'x' }), /does not match/);
  });
});
