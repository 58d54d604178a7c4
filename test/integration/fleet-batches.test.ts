// A fleet larger than one chunk of boots: the phones that fall due together boot chunk by chunk in
// one transaction, share their decisions, and every one of them ends as it would alone (its own
// configuration, the ITL its TFTP node serves), with one event per batch that counts them all.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import type { LabEvent } from '../../src/lab/events';
import { customDataDir, TWO_NODES, type CustomShape } from '../helpers/custom-cluster';
import { openTestSession } from '../helpers/terminal';

/** More phones than one chunk of a batch (5,000), of one model (so all fall due together), in two pools on two TFTP nodes. */
const BIG: CustomShape = {
  version: '14.0.1.13900-155',
  nodes: TWO_NODES,
  phones: {
    count: 11000,
    macPrefix: '00CC00',
    models: { 'CP-8841': 1 },
    pools: [
      { name: 'DP-Pub', callmanagerGroup: ['cucm-pub', 'cucm-sub1'], tftp: 'cucm-pub' },
      { name: 'DP-Sub', callmanagerGroup: ['cucm-sub1', 'cucm-pub'], tftp: 'cucm-sub1' },
    ],
  },
};

describe('integration: a bulk reset larger than one chunk of boots', function () {
  this.timeout(180000);
  let app: App;
  afterEach(() => app?.close());

  const booted = (since: number): LabEvent[] => app.lab.recentEvents(100).filter((e) => e.id > since && e.kind === 'phones-booted');
  const lastId = () => app.lab.recentEvents(1)[0]?.id ?? 0;

  it('boots every phone once, each on its own configuration and its node\'s ITL, and counts them all in one event', async () => {
    app = new App({ dataDir: await customDataDir(BIG), timeScale: 0 });
    // Opening the lab completed the first boot of all 11,000: one batch, three chunks.
    const first = booted(0);
    assert.equal(first.length, 1, 'one phones-booted event for the first boot');
    const p0 = first[0].payload as { booted: number; registered: number; names: { reg: string[] } };
    assert.equal(p0.booted, 11000);
    assert.equal(p0.registered, 11000);
    assert.equal(p0.names.reg.length, 50, 'the event lists the first 50 names only');
    assert.equal(app.fleet.summary().registered, 11000);

    const s = openTestSession(app);
    await s.run('utils itl reset localkey');
    const before = lastId();
    await s.run('sim phone reset all');
    const again = booted(before);
    assert.equal(again.length, 1);
    assert.equal((again[0].payload as { booted: number }).booted, 11000);

    // Every phone took the ITL its own TFTP node serves now, and runs on its own configuration.
    const phones = app.fleet.phones();
    assert.equal(phones.length, 11000);
    const status = app.fleet.itlFileStatus();
    assert.equal(status.filter((x) => x.status === 'Match').length, 11000, 'every phone holds the current ITL of its TFTP node');
    for (const p of [phones[0], phones[5000], phones[10999]]) {
      assert.equal(p.reg_state, 'reg', `${p.name} registered`);
      const cfg = app.fleet.installed(p).config!.toString('utf8');
      assert.ok(cfg.includes(`<deviceName>${p.name}</deviceName>`), `${p.name} runs on its own configuration`);
      assert.ok(cfg.includes(`<devicePool><name>${p.device_pool}</name>`), `${p.name}'s configuration is its pool's`);
    }
    // What TFTP serves a phone is signed with its node's CallManager key, whichever phone asks first.
    const last = phones[10999];
    const served = app.files.read(last.device_pool === 'DP-Pub' ? 'cucm-pub' : 'cucm-sub1', `${last.name}.cnf.xml.sgn`);
    assert.ok(served && served.subarray(served.length - app.fleet.installed(last).config!.length).equals(app.fleet.installed(last).config!));
  });
});
