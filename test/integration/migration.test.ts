// A wave-1 data directory (one cluster, string-keyed settings) opens as a one-cluster lab: the
// versioned migration carries every setting into its typed place and keys every row by its cluster.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { App } from '../../src/app';
import { STORE_FILE } from '../../src/store/store';
import { migrations } from '../../src/store/migrations';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession } from '../helpers/terminal';

/** Writes, from a current store, the store wave 1 would have written for the same cluster (schema 4). */
function wave1Store(current: string, dir: string): void {
  const db = new Database(path.join(dir, STORE_FILE));
  try {
    for (const m of migrations.slice(0, 4)) db.exec(m);
    db.pragma('user_version = 4');
    db.prepare('ATTACH ? AS cur').run(path.join(current, STORE_FILE));
    db.exec(`
      INSERT INTO cluster SELECT 1, name, domain, version, time_zone, config, created_at FROM cur.clusters;
      INSERT INTO nodes SELECT name, position, role, fqdn, ip, booted_at FROM cur.nodes;
      INSERT INTO services SELECT * FROM cur.services;
      INSERT INTO certificates SELECT * FROM cur.certificates;
      INSERT INTO trust SELECT * FROM cur.trust;
      INSERT INTO users SELECT name, privilege, password_hash FROM cur.accounts;
      INSERT INTO settings VALUES ('ClusterSecurityMode', '1'), ('enterprise:Secured Services URL', 'https://cucm-pub.example.com:8443/services'),
        ('contactsearch:cucm-pub', 'enabled'), ('udsport:cucm-pub', '9443'), ('cli-session-timeout', '45'), ('clock-offset', '3600000');
      INSERT INTO events (wall_time, sim_time, node, user, command, kind, change) SELECT wall_time, sim_time, node, user, command, kind, change FROM cur.events;
      INSERT INTO tftp_files SELECT node, name, content, modified_at, CASE WHEN node = 'cucm-sub1' AND name = 'ITLFile.tlv' THEN 'reset:' || spec ELSE spec END, signer FROM cur.tftp_files;
      INSERT INTO blobs SELECT * FROM cur.blobs;
      INSERT INTO phones (name, position, model, mac, device_pool, description, ctl_hash, itl_hash, config_hash, reg_state, reg_node, reg_changed_at, status, reboot_until)
        SELECT name, position, model, mac, device_pool, description, ctl_hash, itl_hash, config_hash, reg_state, reg_node, reg_changed_at, status, reboot_until FROM cur.phones;
    `);
    db.exec('DETACH cur');
  } finally {
    db.close();
  }
}

describe('integration: a wave-1 data directory', function () {
  this.timeout(60000);
  let app: App | null = null;
  afterEach(() => app?.close());

  it('migrates to a one-cluster lab with its settings typed and every row keyed by the cluster', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-wave1-'));
    wave1Store(await freshDataDir(), dir);
    const eventsBefore = (() => {
      const db = new Database(path.join(dir, STORE_FILE), { readonly: true });
      const n = (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
      db.close();
      return n;
    })();

    app = new App({ dataDir: dir, timeScale: 0 });
    const c = app.cluster;
    assert.equal(c.name, 'StandAloneCluster');
    assert.deepEqual([...app.lab.clusters.keys()], ['StandAloneCluster']);
    assert.equal(c.settings.mixedMode, true);
    assert.equal(c.settings.enterpriseParameter('Secured Services URL'), 'https://cucm-pub.example.com:8443/services');
    assert.equal(c.settings.contactSearchAuth('cucm-pub'), true);
    assert.equal(c.settings.udsPort('cucm-pub'), 9443);
    assert.equal(c.settings.contactSearchAuth('cucm-sub1'), false);
    assert.equal(c.settings.cliSessionTimeout, 45);
    assert.ok(app.clock.offset > 3_500_000, `the clock keeps running an hour ahead (${app.clock.offset})`);
    const sub = c.tftp.file('cucm-sub1', 'ITLFile.tlv')!;
    assert.equal(sub.reset, 1, 'the reset ITL stays a reset ITL');
    assert.ok(!sub.spec.startsWith('reset:'));
    assert.equal(c.tftp.file('cucm-pub', 'ITLFile.tlv')!.reset, 0);
    const phones = app.fleet.phones();
    assert.equal(phones.length, 24);
    for (const p of phones) {
      assert.equal(p.cluster, 'StandAloneCluster');
      assert.equal(p.tftp, c.node(c.settings.devicePool(p.device_pool).tftp).ip, `${p.name} boots from its pool's TFTP node`);
    }
    const events = app.lab.recentEvents(100_000);
    assert.ok(events.length >= eventsBefore);
    assert.ok(events.slice(0, eventsBefore).every((e) => e.cluster === 'StandAloneCluster'));

    const t = openTestSession(app);
    assert.match(await t.run('show itl'), /ITLRECOVERY_cucm-pub\.example\.com/);
    assert.match(await t.run('show cli session timeout'), /45 minutes/);
    const db = new Database(path.join(dir, STORE_FILE), { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    db.close();
  });
});
