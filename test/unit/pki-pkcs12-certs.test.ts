// Certificates-only PKCS#12 bundles of Bulk Certificate Management: byte-exact certificates, friendly
// names, no key, readable by openssl with an empty password; anything else is refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCertificateBundle, readCertificateBundle, createSelfSigned, buildPkcs12, type KeyType } from '../../src/pki';

const issue = (keyType: KeyType, cn: string) => createSelfSigned({
  keyType, keySize: keyType === 'RSA' ? 2048 : 256, hash: 'SHA256', purpose: 'CallManager',
  subject: { CN: cn, OU: 'IT', O: 'Example', L: 'RTP', ST: 'NC', C: 'US' },
  notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2034-01-01T00:00:00Z'),
});

describe('unit: certificates-only PKCS#12 bundles', function () {
  this.timeout(30000);
  const dir = mkdtempSync(join(tmpdir(), 'ucmsim-bundle-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips RSA and EC certificates byte for byte with their friendly names; openssl reads them without a key', async () => {
    const rsa = await issue('RSA', 'old-pub.old.example.com');
    const ec = await issue('EC', 'old-pub-EC.old.example.com');
    const certs = [{ certPem: rsa.certPem, friendlyName: 'old:old-pub:CallManager' }, { certPem: ec.certPem, friendlyName: 'old:old-pub:CallManager-ECDSA' }];
    const p12 = buildCertificateBundle(certs);
    const back = readCertificateBundle(p12);
    assert.deepEqual(back.map((c) => c.friendlyName), certs.map((c) => c.friendlyName));
    assert.deepEqual(back.map((c) => new X509Certificate(c.certPem).raw), certs.map((c) => new X509Certificate(c.certPem).raw));
    const path = join(dir, 'b.p12');
    writeFileSync(path, p12);
    const out = execFileSync('openssl', ['pkcs12', '-in', path, '-nokeys', '-passin', 'pass:'], { encoding: 'utf8' });
    assert.match(out, /friendlyName: old:old-pub:CallManager\n/);
    assert.equal(out.match(/BEGIN CERTIFICATE/g)!.length, 2);
    assert.doesNotMatch(execFileSync('openssl', ['pkcs12', '-in', path, '-info', '-nocerts', '-nodes', '-passin', 'pass:'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), /PRIVATE KEY/);
  });

  it('refuses garbage, truncation, a wrong MAC password and a shrouded key bundle', async () => {
    const rsa = await issue('RSA', 'x.example.com');
    const good = buildCertificateBundle([{ certPem: rsa.certPem, friendlyName: 'a:b:CallManager' }]);
    assert.throws(() => readCertificateBundle(Buffer.from('not a p12')));
    assert.throws(() => readCertificateBundle(good.subarray(0, good.length - 10)));
    assert.throws(() => readCertificateBundle(good, 'other'));
    // A key bundle (ITLRecovery.p12) is encrypted with its own password: not ours to read.
    assert.throws(() => readCertificateBundle(buildPkcs12({ keyPem: rsa.keyPem, certPem: rsa.certPem, password: 'secret1', friendlyName: 'x' })));
  });
});
