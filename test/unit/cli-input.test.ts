// Input a session cannot be made to keep without bound, and Ctrl-C wherever it arrives.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { KeyDecoder, MAX_SEQUENCE } from '../../src/cli/keys';
import { MAX_TYPEAHEAD } from '../../src/cli/key-queue';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, type TestSession } from '../helpers/terminal';

describe('CLI input bounds and Ctrl-C', function () {
  this.timeout(30000);
  let app: App;
  let t: TestSession;

  async function open(timeScale = 0): Promise<void> {
    app = new App({ dataDir: await freshDataDir(), timeScale });
    t = openTestSession(app);
  }
  afterEach(() => app?.close());

  describe('escape sequences', () => {
    it('an escape sequence that never ends is skipped to its final byte, with one overflow', () => {
      const dec = new KeyDecoder();
      const keys = [...dec.decode('\x1b['), ...Array.from({ length: 100 }, () => dec.decode('1'.repeat(100))).flat(), ...dec.decode('Ax')];
      assert.deepEqual(keys, [{ name: 'overflow' }, { name: 'char', ch: 'x' }]);
      assert.ok(MAX_SEQUENCE < 100);
      assert.deepEqual(dec.decode('\x1b[1;5A\x1b[3~'), [{ name: 'up' }, { name: 'delete' }], 'ordinary sequences still decode');
    });

    it('the session rings the bell for it and goes on working', async () => {
      await open();
      const m = t.mark();
      t.type('\x1b[');
      for (let i = 0; i < 50; i++) t.type('9'.repeat(1000));
      t.type('~');
      assert.ok(t.term.output.slice(m).includes('\x07'), 'bell');
      assert.match(await t.run('show myself'), /^show myself\r\nMachine Name    : cucm-pub\r\n/);
    });
  });

  describe('typeahead', () => {
    /** Waits until the restart typed at `m` has finished and the typed-ahead keys have been replayed. */
    async function restarted(m: number): Promise<void> {
      await t.term.waitFor('Cisco Tftp[STARTED]', m);
      await t.term.waitFor('admin:', t.term.output.indexOf('Cisco Tftp[STARTED]', m));
    }

    it('keys typed during a long command are kept up to a bound; the excess is dropped with the bell', async () => {
      await open(0.05); // a restart polls for a few simulated seconds
      const m = t.mark();
      const pairs = MAX_TYPEAHEAD; // twice as many keys as the bound: a character and its Backspace
      t.type('utils service restart Cisco Tftp\r' + 'a\x7f'.repeat(pairs));
      assert.ok(t.term.output.slice(m).includes('\x07'), 'bell');
      await restarted(m);
      // The next command's prompt comes after every replayed key has been echoed.
      assert.match(await t.run('show myself'), /show myself\r\nMachine Name    : cucm-pub\r\n/);
      const erased = t.term.output.slice(m).split('a\b \x1b[1D').length - 1;
      assert.equal(erased, MAX_TYPEAHEAD / 2, 'the keys replayed are the first MAX_TYPEAHEAD');
    });

    it('4 MiB typed during a command does not hold up the session', async () => {
      await open(0.05);
      const m = t.mark();
      t.type('utils service restart Cisco Tftp\r');
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 64; i++) t.type(chunk);
      assert.ok(t.term.output.slice(m).includes('\x07'), 'bell');
      await restarted(m);
      t.type('\x15');
      assert.match(await t.run('show myself'), /Machine Name    : cucm-pub/);
    });
  });

  describe('Ctrl-C', () => {
    const tomcat = () => app.cluster.certificates.find('cucm-pub', 'tomcat')!.cert_pem;
    const regens = () => app.cluster.repo.events().filter((e) => e.kind === 'certificate-regenerated').length;

    it('in the same packet right after Enter, it stops that command before its question is answered', async () => {
      await open();
      const before = tomcat();
      const m = t.mark();
      t.type('set cert regen tomcat\r\x03yes\r');
      await t.term.waitFor('Control-C pressed\r\nadmin:', m);
      await t.term.waitFor('No valid command entered', m); // the `yes` after it is a command line of its own
      await t.run('');
      assert.equal(tomcat(), before);
      assert.equal(regens(), 0);
    });

    it('during key generation, it abandons the new certificate and says so', async () => {
      await open();
      const before = tomcat();
      const m = t.mark();
      t.type('set cert regen tomcat\r');
      await t.term.waitFor('Proceed with regeneration (yes|no)? ', m);
      t.type('yes\r');
      t.type('\x03');
      await t.term.waitFor('Control-C pressed\r\nadmin:', m);
      assert.ok(!t.term.output.slice(m).includes('Successfully Regenerated'), t.term.output.slice(m));
      await t.run('');
      assert.equal(tomcat(), before);
      assert.equal(regens(), 0);
    });

    it('at a y/n question, a Password: question and each SFTP field, returns to admin: within a second, changing nothing', async () => {
      await open();
      const trust = () => app.cluster.repo.events().length;
      const timeout = app.cluster.settings.cliSessionTimeout;
      const cases: [command: string, answers: string[], question: string][] = [
        ['set cli session timeout 60', [], 'Continue (y/n)?'],
        ['set cert regen tomcat', [], 'Proceed with regeneration (yes|no)? '],
        ['set cert import trust tomcat', [], 'SFTP server IP: '],
        ['set cert import trust tomcat', ['127.0.0.1'], 'SFTP server port [22]: '],
        ['set cert import trust tomcat', ['127.0.0.1', '22'], 'User ID: '],
        ['set cert import trust tomcat', ['127.0.0.1', '22', 'lab'], 'Password: '],
      ];
      const events = trust();
      for (const [command, answers, question] of cases) {
        const m = t.mark();
        t.type(command + '\r' + answers.map((a) => a + '\r').join(''));
        await t.term.waitFor(question, m);
        if (question === 'Password: ') t.type('sec');
        const asked = t.mark();
        const t0 = Date.now();
        t.type('\x03');
        await t.term.waitFor('Control-C pressed\r\nadmin:', asked, 1000);
        assert.ok(Date.now() - t0 < 1000, `${command} at ${question}`);
      }
      assert.equal(app.cluster.settings.cliSessionTimeout, timeout);
      assert.equal(trust(), events, 'no event recorded');
    });
  });
});
