// Every SSH session is recorded as asciicast v2; the recording replays byte for byte what the
// client received.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { RECORDINGS_DIR, type Recording } from '../../src/ssh/recording';
import { recordingsPlay } from '../../src/training/cli';
import { freshDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';
import { within } from '../helpers/wait';

describe('integration: session recordings', function () {
  this.timeout(60000);
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 10 });
  });
  afterEach(async () => sim.close());

  it('an SSH session is written as asciicast v2 (0600) and replays byte for byte what the client received', async () => {
    const opened: Recording[] = [];
    sim.app.recorder.onOpen((r) => opened.push(r));
    const shell = await Shell.open({ port: [...sim.ssh.values()][0].port, cols: 100, rows: 200 });
    await shell.run('show myself');
    await shell.run('utils service list');
    await shell.run('show cert list own');
    const from = shell.mark();
    shell.send('exit\r');
    await within(new Promise<void>((r) => shell.out.waitFor('', from).then(() => r())), 5000, 'exit');
    await within((async () => {
      while (!opened[0] || opened[0].live) await new Promise((r) => setTimeout(r, 10));
    })(), 10000, 'the session to end');
    await opened[0].closed;
    await shell.close().catch(() => {});

    const file = opened[0].file;
    assert.equal(path.dirname(file), path.join(sim.app.lab.dataDir, RECORDINGS_DIR));
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
    const [header, ...events] = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(header.version, 2);
    assert.equal(header.width, 100);
    assert.equal(header.height, 200);
    assert.match(header.title, /^admin@cucm-pub from /);
    let last = 0;
    for (const e of events) {
      assert.equal(e[1], 'o');
      assert.ok(e[0] >= last, 'times never go back');
      last = e[0];
    }
    const recorded = events.map((e) => e[2]).join('');
    // the client may still be receiving the last bytes when its channel closes
    await within((async () => {
      while (shell.text.length < recorded.length) await new Promise((r) => setTimeout(r, 10));
    })(), 5000, 'all output at the client');
    assert.equal(recorded, shell.text);
    assert.match(recorded, /admin:show myself\r\n/);

    let played = '';
    await recordingsPlay(file, 1000, (s) => (played += s));
    assert.equal(played, shell.text);
  });
});
