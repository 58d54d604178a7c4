// A file-spec wildcard one session types must not stall the others: matching is linear, so a
// pattern of many stars is answered at once while another session keeps its usual round trip.
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/simulator';
import { freshDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';

/** Time for one keystroke to come back echoed: the round trip a typing admin feels. */
async function echoRoundTrip(sh: Shell): Promise<number> {
  const from = sh.mark();
  const started = process.hrtime.bigint();
  sh.send('x');
  await sh.waitFor('x', from, 10000);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  sh.send('\x7f'); // rub it out again, and wait for the editor to redraw
  await sh.waitFor(/[\s\S]/, from + 1, 10000);
  return ms;
}

describe('integration: file-spec wildcards', function () {
  this.timeout(60000);
  let sim: Simulator;
  const open: Shell[] = [];

  beforeEach(async function () {
    sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 0 });
  });

  afterEach(async function () {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await sim.close();
  });

  it("keeps another session's round trip under 50 ms while one lists with a pathological pattern", async function () {
    const port = sim.ssh.get('cucm-pub')!.port;
    const [a, b] = await Promise.all([Shell.open({ port }), Shell.open({ port })]);
    open.push(a, b);
    // Warm up: the first listing builds the node's TFTP files (a signing run), which is not what is measured.
    assert.match(await a.run('file list tftp *.tlv'), /\r\nITLFile\.tlv\r\n/);
    await echoRoundTrip(b);
    // 11 stars were enough for a regex built from `.*` to hold the event loop for seconds.
    for (const stars of [11, 28, 200]) {
      const spec = '*'.repeat(stars) + 'x';
      const from = a.mark();
      a.send(`file list tftp ${spec}\r`);
      const rt = await echoRoundTrip(b);
      await a.waitFor('\r\nadmin:', from + spec.length, 10000);
      assert.ok(rt < 50, `a keystroke of the other session took ${rt.toFixed(1)} ms to echo while ${stars} stars were matched`);
      assert.match(a.text.slice(from), /dir count = 0, file count = 0\r\n/);
    }
    assert.match(await a.run('file list tftp *File.t*v'), /\r\nITLFile\.tlv\r\n/);
  });
});
