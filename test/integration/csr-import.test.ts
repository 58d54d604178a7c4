// CSRs and CA-signed certificates: set csr gen, show csr, set cert import own|trust (the file fetched
// from a real lab SFTP server through the CLI dialog), set cert delete. OpenSSL judges the CSRs and
// the certificate chains.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateHostKey } from '../../src/ssh/hostkey';
import { App } from '../../src/app';
import { startLabSftpServer, type LabSftpServer } from '../../src/net/sftp-server';
import { createSelfSigned, signCsr, type IssuedCertificate } from '../../src/pki';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, type TestSession } from '../helpers/terminal';

const SFTP_USER = 'lab';
const SFTP_PASS = 'labpass';
const WAIT_MS = 20000;
const DAY = 86400_000;
const FAILURE = 'Executed command unsuccessfully';
const IMPORTED_TOMCAT = 'Successfully imported certificate for tomcat.\r\nPlease restart services related to tomcat for the new certificate to\r\nbecome active.\r\nadmin:';

/** Runs openssl; fails the test unless it exits 0. Returns stdout, or stdout and stderr together. */
function openssl(args: string[], input?: string, withStderr = false): string {
  const r = spawnSync('openssl', args, { input, timeout: 20000 });
  assert.equal(r.status, 0, `openssl ${args.join(' ')} failed: ${r.stderr?.toString()}`);
  return r.stdout.toString() + (withStderr ? r.stderr.toString() : '');
}

/** The PEM block of a kind in CLI output (CRLF → LF). */
function pemIn(out: string, kind: 'CERTIFICATE' | 'CERTIFICATE REQUEST'): string {
  const m = new RegExp(`-----BEGIN ${kind}-----[\\s\\S]+?-----END ${kind}-----`).exec(out);
  assert.ok(m, `no ${kind} PEM in ${JSON.stringify(out)}`);
  return m[0].replace(/\r\n/g, '\n') + '\n';
}

function makeCa(cn: string): Promise<IssuedCertificate> {
  const now = Date.now();
  return createSelfSigned({
    keyType: 'RSA', keySize: 2048, hash: 'SHA256', subject: { CN: cn, O: 'ucmsim lab', C: 'US' },
    notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), purpose: 'ca',
  });
}

function sign(csrPem: string, ca: IssuedCertificate, opts: { notBefore?: Date; notAfter?: Date } = {}): Promise<string> {
  const now = Date.now();
  return signCsr({
    csrPem, caCertPem: ca.certPem, caKeyPem: ca.keyPem, hash: 'SHA256',
    notBefore: opts.notBefore ?? new Date(now - 60_000), notAfter: opts.notAfter ?? new Date(now + 365 * DAY),
  });
}

describe('CSRs and CA-signed certificates', function () {
  this.timeout(60000);
  let sftp: LabSftpServer;
  let root: string;
  let work: string;
  let ca: IssuedCertificate;
  let otherCa: IssuedCertificate;
  let app: App;
  let t: TestSession;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-csr-sftp-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-csr-work-'));
    sftp = await startLabSftpServer({
      root, host: '127.0.0.1', port: 0, username: SFTP_USER, password: SFTP_PASS,
      hostKey: Buffer.from(generateHostKey()),
    });
    [ca, otherCa] = await Promise.all([makeCa('ucmsim Test Root CA'), makeCa('Other Lab CA')]);
    fs.writeFileSync(path.join(work, 'ca.pem'), ca.certPem);
  });
  after(async () => {
    await sftp?.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    t = openTestSession(app);
  });
  afterEach(() => app.close());

  /** Puts a file on the lab SFTP server; returns its path there. */
  function upload(name: string, content: string): string {
    fs.writeFileSync(path.join(root, name), content);
    return `/${name}`;
  }

  /** Runs an import command through its SFTP dialog; returns everything from the echo to the prompt. */
  async function dialog(s: TestSession, command: string, remotePath: string, password = SFTP_PASS): Promise<string> {
    const from = s.mark();
    let pos = from;
    const step = async (prompt: string, answer: string) => {
      await s.term.waitFor(prompt, pos, WAIT_MS);
      pos = s.term.output.indexOf(prompt, pos) + prompt.length;
      s.type(`${answer}\r`);
    };
    s.type(`${command}\r`);
    await step('SFTP server IP: ', sftp.host);
    await step('SFTP server port [22]: ', String(sftp.port));
    await step('User ID: ', SFTP_USER);
    await step('Password: ', password);
    await step('Certificate file path: ', remotePath);
    await s.term.waitFor('\r\nadmin:', pos, WAIT_MS);
    return s.term.output.slice(from);
  }

  async function csrPem(s: TestSession, unit: string): Promise<string> {
    return pemIn(await s.run(`show csr own ${unit}`), 'CERTIFICATE REQUEST');
  }

  const trustFiles = (node: string, store: string) => app.cluster.certificates.trust(node).filter((x) => x.store === store).map((x) => x.file);
  const nodes = () => app.cluster.nodes().map((n) => n.name);

  it('set csr gen makes a CSR OpenSSL verifies, with the unit subject and a new key each time', async () => {
    assert.equal(await t.run('set csr gen tomcat'), 'set csr gen tomcat\r\nSuccessfully Generated CSR for tomcat.\r\nadmin:');
    assert.equal(await t.run('show csr list own'), 'show csr list own\r\ntomcat/tomcat.csr\r\nadmin:');
    const first = await csrPem(t, 'tomcat');
    assert.equal(await csrPem(t, 'tomcat/tomcat.csr'), first, 'the unit/file name is accepted too');
    assert.match(openssl(['req', '-verify', '-noout'], first, true), /verify OK/i);
    const text = openssl(['req', '-noout', '-text'], first);
    assert.match(text, /Public-Key: \(2048 bit\)/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);

    const active = app.cluster.certificates.find('cucm-pub', 'tomcat')!.cert_pem;
    const subject = (args: string[], pem: string) => openssl([...args, '-noout', '-subject', '-nameopt', 'RFC2253'], pem).replace(/^subject=\s*/, '').trim();
    assert.equal(subject(['req'], first), subject(['x509'], active), 'the CSR carries the subject of the certificate in use');

    await t.run('set csr gen tomcat');
    const second = await csrPem(t, 'tomcat');
    const pub = (pem: string) => openssl(['req', '-noout', '-pubkey'], pem);
    assert.notEqual(pub(second), pub(first), 'a second set csr gen makes a new key');
    assert.equal(await t.run('show csr list own'), 'show csr list own\r\ntomcat/tomcat.csr\r\nadmin:', 'and replaces the older CSR');

    assert.equal(await t.run('set csr gen CallManager-ECDSA'), 'set csr gen CallManager-ECDSA\r\nSuccessfully Generated CSR for CallManager-ECDSA.\r\nadmin:');
    const ec = await csrPem(t, 'CallManager-ECDSA');
    assert.match(openssl(['req', '-verify', '-noout'], ec, true), /verify OK/i);
    const ecText = openssl(['req', '-noout', '-text'], ec);
    assert.match(ecText, /ASN1 OID: prime256v1/);
    assert.match(ecText, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.equal(await t.run('show csr list own'), 'show csr list own\r\ntomcat/tomcat.csr\r\nCallManager-ECDSA/CallManager-ECDSA.csr\r\nadmin:');
  });

  it('refuses ITLRecovery, unknown units, CAPF on a subscriber and unknown CSRs', async () => {
    assert.match(await t.run('set csr gen ITLRecovery'), /^set csr gen ITLRecovery\r\nThere is no CSR for ITLRecovery: its certificate is always self-signed\. .*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    assert.match(await t.run('set csr gen nope'), /Invalid unit nope\..*\r\nExecuted command unsuccessfully\r\n/);
    const sub = openTestSession(app, { node: 'cucm-sub1' });
    assert.match(await sub.run('set csr gen CAPF'), /can be run only on the publisher.*\r\nExecuted command unsuccessfully\r\n/);
    assert.match(await t.run('show csr own tomcat'), /^show csr own tomcat\r\nCSR tomcat not found\. .*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    assert.match(await t.run('set cert import own tomcat'), /There is no CSR for tomcat\. .*\r\nExecuted command unsuccessfully\r\n/, 'refused before any SFTP question');
    assert.equal(app.lab.recentEvents().filter((e) => e.kind === 'csr-generated').length, 0);
  });

  it('imports the CA-signed certificate with its chain; a restart of Cisco Tomcat puts it in use', async () => {
    await t.run('set csr gen tomcat');
    const leaf = await sign(await csrPem(t, 'tomcat'), ca);
    const remote = upload('tomcat-chain.pem', leaf + ca.certPem);

    const out = await dialog(t, 'set cert import own tomcat', remote);
    assert.ok(out.endsWith(`Certificate file path: ${remote}\r\n${IMPORTED_TOMCAT}`), JSON.stringify(out));
    assert.match(out, /\r\nPassword: \*{7}\r\n/, 'the password is masked');
    for (const n of nodes()) {
      const sess = n === 'cucm-pub' ? t : openTestSession(app, { node: n });
      assert.match(await sess.run('show cert list trust'), /\r\ntomcat-trust\/ucmsim_Test_Root_CA\.pem: Trust Certificate\r\n/, `the CA is trusted on ${n}`);
    }
    assert.equal(await t.run('show csr list own'), 'show csr list own\r\nadmin:', 'the CSR is used up');
    // The store shows the imported certificate at once; Cisco Tomcat uses it only after its restart.
    assert.match(await t.run('show cert list own'), /\r\ntomcat\/tomcat\.pem: Certificate Signed by ucmsim Test Root CA\r\n/, 'the store shows it at once');
    assert.equal(app.cluster.certificates.findInUse('cucm-pub', 'tomcat')!.description, 'Self-signed certificate generated by system', 'in use only after a restart');

    await t.run('utils service restart Cisco Tomcat');
    assert.equal(app.cluster.certificates.findInUse('cucm-pub', 'tomcat')!.description, 'Certificate Signed by ucmsim Test Root CA');
    assert.match(await t.run('show cert list own'), /\r\ntomcat\/tomcat\.pem: Certificate Signed by ucmsim Test Root CA\r\n/);
    const shown = pemIn(await t.run('show cert own tomcat'), 'CERTIFICATE');
    assert.equal(shown.trim(), leaf.trim());
    fs.writeFileSync(path.join(work, 'leaf.pem'), shown);
    assert.match(openssl(['verify', '-CAfile', path.join(work, 'ca.pem'), path.join(work, 'leaf.pem')], undefined, true), /leaf\.pem: OK/);
    const active = app.cluster.certificates.find('cucm-pub', 'tomcat')!;
    assert.ok(openssl(['pkey', '-pubout'], active.key_pem) === openssl(['x509', '-noout', '-pubkey'], active.cert_pem), 'the CSR key is the key in use');
    assert.equal(app.lab.recentEvents().filter((e) => e.kind === 'certificate-imported').length, 1);

    // set cert regen overwrites it with a self-signed certificate again.
    const m = t.mark();
    t.type('set cert regen tomcat\r');
    await t.term.waitFor('Proceed with regeneration (yes|no)? ', m, WAIT_MS);
    t.type('yes\r');
    await t.term.waitFor('\r\nadmin:', m + 30, WAIT_MS);
    await t.run('utils service restart Cisco Tomcat');
    assert.match(await t.run('show cert list own'), /\r\ntomcat\/tomcat\.pem: Self-signed certificate generated by system\r\n/);
  });

  it('refuses a certificate signed for an older CSR, and changes nothing', async () => {
    await t.run('set csr gen tomcat');
    const stale = await sign(await csrPem(t, 'tomcat'), ca);
    await t.run('set csr gen tomcat');
    const remote = upload('stale.pem', stale + ca.certPem);
    const out = await dialog(t, 'set cert import own tomcat', remote);
    assert.ok(out.endsWith('\r\nThe certificate does not match the CSR generated for tomcat.\r\nExecuted command unsuccessfully\r\nadmin:'), JSON.stringify(out));
    assert.equal(app.cluster.certificates.pending('cucm-pub').length, 0);
    for (const n of nodes()) assert.ok(!trustFiles(n, 'tomcat-trust').includes('ucmsim_Test_Root_CA.pem'));
    assert.equal(await t.run('show csr list own'), 'show csr list own\r\ntomcat/tomcat.csr\r\nadmin:', 'the current CSR stays');
  });

  it('a wrong SFTP password fails cleanly and changes nothing', async () => {
    await t.run('set csr gen tomcat');
    const remote = upload('good.pem', (await sign(await csrPem(t, 'tomcat'), ca)) + ca.certPem);
    const events = app.lab.recentEvents().length;
    const out = await dialog(t, 'set cert import own tomcat', remote, 'wrong-password');
    assert.ok(out.endsWith(`\r\nTransfer failed: authentication failed for user ${SFTP_USER} at ${sftp.host}\r\nExecuted command unsuccessfully\r\nadmin:`), JSON.stringify(out));
    assert.equal(app.lab.recentEvents().length, events);
    assert.equal(app.cluster.certificates.pending('cucm-pub').length, 0);
    assert.equal(await t.run('show csr list own'), 'show csr list own\r\ntomcat/tomcat.csr\r\nadmin:');
    // The same file with the right password goes in.
    assert.ok((await dialog(t, 'set cert import own tomcat', remote)).endsWith(IMPORTED_TOMCAT));
  });

  it('checks the chain: a wrong CA is refused; without a chain the issuer must already be trusted', async () => {
    await t.run('set csr gen tomcat');
    const leaf = await sign(await csrPem(t, 'tomcat'), ca);
    let out = await dialog(t, 'set cert import own tomcat', upload('wrong-chain.pem', leaf + otherCa.certPem));
    assert.match(out, /\r\nThe certificate for tomcat does not verify against the CA certificates in the file.*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    out = await dialog(t, 'set cert import own tomcat', upload('leaf-only.pem', leaf));
    assert.match(out, /\r\nThe CA certificate that issued the certificate for tomcat is not in tomcat-trust\..*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    assert.equal(app.cluster.certificates.pending('cucm-pub').length, 0);

    // Trust the CA first; then the bare certificate goes in.
    assert.ok((await dialog(t, 'set cert import trust tomcat', upload('ca.pem', ca.certPem))).endsWith(IMPORTED_TOMCAT));
    assert.ok((await dialog(t, 'set cert import own tomcat', '/leaf-only.pem')).endsWith(IMPORTED_TOMCAT));
    const pending = app.cluster.certificates.pending('cucm-pub');
    assert.deepEqual(pending.map((c) => [c.unit, c.description]), [['tomcat', 'Certificate Signed by ucmsim Test Root CA']]);

    // An expired certificate is refused.
    await t.run('set csr gen tomcat-ECDSA');
    const expired = await sign(await csrPem(t, 'tomcat-ECDSA'), ca, { notBefore: new Date(Date.now() - 10 * DAY), notAfter: new Date(Date.now() - DAY) });
    out = await dialog(t, 'set cert import own tomcat-ECDSA', upload('expired.pem', expired + ca.certPem));
    assert.match(out, /\r\nThe certificate cucm-pub-EC\.example\.com expired on .*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    out = await dialog(t, 'set cert import own tomcat-ECDSA', upload('garbage.pem', 'not a certificate\n'));
    assert.match(out, /\r\nThe file does not contain a certificate \(PEM or DER\)\.\r\nExecuted command unsuccessfully\r\nadmin:$/);
  });

  it('set cert import trust adds to tomcat-trust on every node; set cert delete removes it', async () => {
    const remote = upload('other-ca.pem', otherCa.certPem);
    const out = await dialog(t, 'set cert import trust tomcat', remote);
    assert.ok(out.endsWith(IMPORTED_TOMCAT), JSON.stringify(out));
    const sub = openTestSession(app, { node: 'cucm-sub1' });
    for (const s of [t, sub]) assert.match(await s.run('show cert list trust'), /\r\ntomcat-trust\/Other_Lab_CA\.pem: Trust Certificate\r\n/);
    const shown = pemIn(await sub.run('show cert trust tomcat-trust/Other_Lab_CA.pem'), 'CERTIFICATE');
    assert.equal(shown.trim(), otherCa.certPem.trim());

    assert.equal(await sub.run('set cert delete tomcat Other_Lab_CA.pem'), 'set cert delete tomcat Other_Lab_CA.pem\r\nSuccessfully deleted certificate Other_Lab_CA.pem from tomcat-trust.\r\nadmin:');
    for (const s of [t, sub]) assert.doesNotMatch(await s.run('show cert list trust'), /Other_Lab_CA/);
    assert.match(await t.run('set cert delete tomcat Other_Lab_CA.pem'), /^set cert delete tomcat Other_Lab_CA\.pem\r\nCertificate Other_Lab_CA\.pem not found in tomcat-trust\. .*\r\nExecuted command unsuccessfully\r\nadmin:$/);

    // A node's own certificate stays: deleting it would break trust with that node.
    const own = `${app.cluster.node('cucm-sub1').fqdn}.pem`;
    assert.ok(trustFiles('cucm-pub', 'tomcat-trust').includes(own));
    assert.match(await t.run(`set cert delete tomcat ${own}`), /is the tomcat certificate in use on cucm-sub1.*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    for (const n of nodes()) assert.ok(trustFiles(n, 'tomcat-trust').includes(own));
    assert.match(await t.run('set cert import trust nope'), /Invalid unit nope\..*\r\nExecuted command unsuccessfully\r\n/);
    assert.deepEqual(app.lab.recentEvents().filter((e) => e.kind.startsWith('trust-')).map((e) => e.kind), ['trust-imported', 'trust-deleted']);
  });

  it('a level-0 account cannot generate CSRs or import certificates', async () => {
    const reader = openTestSession(app, { user: 'reader', privilege: 0 });
    for (const cmd of ['set csr gen tomcat', 'set cert import trust tomcat', 'set cert delete tomcat x.pem', 'show csr list own']) {
      assert.equal(await reader.run(cmd), `${cmd}\r\nIncomplete command entered\r\n${FAILURE}\r\nadmin:`);
    }
  });
});
