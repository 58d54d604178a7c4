// Phone counts by state: the classification the dashboard and `sim report phones summary` share, and the
// report's exact text.
import assert from 'node:assert/strict';
import { summarize, MAX_REASONS } from '../../src/phones/summary';
import { App } from '../../src/app';
import { labDataDir } from '../helpers/cluster';
import { openTestSession } from '../helpers/terminal';

describe('phones summary', () => {
  it('counts registered, rebooting, locked out, unregistered and rejected phones, and the reasons', () => {
    const s = summarize([
      { reg_state: 'reg', status: 'Trust List updated', n: 12, rebooting: 2 },
      { reg_state: 'unr', status: 'Trust List update failed', n: 3, rebooting: 0 },
      { reg_state: 'unr', status: 'CTL update failed', n: 1, rebooting: 0 },
      { reg_state: 'unr', status: 'File auth error: SEP1.cnf.xml.sgn', n: 2, rebooting: 0 },
      { reg_state: 'unr', status: 'TFTP Timeout', n: 7, rebooting: 2 },
      { reg_state: 'rej', status: 'Registration rejected: CallManager certificate key length not supported', n: 6, rebooting: 0 },
    ]);
    assert.deepEqual({ ...s, reasons: undefined }, { total: 31, registered: 10, rebooting: 4, lockedOut: 6, unregistered: 5, rejected: 6, reasons: undefined });
    assert.deepEqual(s.reasons.map((r) => [r.phones, r.reason]), [
      [6, 'Registration rejected: CallManager certificate key length not supported'],
      [5, 'TFTP Timeout'],
      [3, 'Trust List update failed'],
      [2, 'File auth error: SEP1.cnf.xml.sgn'],
      [1, 'CTL update failed'],
    ]);
  });

  it(`lists at most ${MAX_REASONS} reasons and sums the rest`, () => {
    const rows = Array.from({ length: MAX_REASONS + 3 }, (_, i) => ({ reg_state: 'unr', status: `reason ${String(i).padStart(2, '0')}`, n: 100 - i, rebooting: 0 }));
    const s = summarize(rows);
    assert.equal(s.reasons.length, MAX_REASONS + 1);
    assert.deepEqual(s.reasons[MAX_REASONS], { reason: 'other reasons', phones: 100 - MAX_REASONS + 100 - MAX_REASONS - 1 + 100 - MAX_REASONS - 2 });
  });

  it('sim report phones summary prints the counts of every cluster, then the reasons', async () => {
    const app = new App({ dataDir: await labDataDir(), timeScale: 0 });
    try {
      const pub = openTestSession(app, { node: 'old-pub' });
      const sub = openTestSession(app, { node: 'old-sub1' });
      assert.equal(await pub.run('sim report phones summary'), [
        'sim report phones summary',
        'Cluster  Phones  Registered  Rebooting  Locked out  Unregistered  Rejected',
        'old          24          24          0           0             0         0',
        'new           0           0          0           0             0         0',
        'admin:',
      ].join('\r\n'));
      // With Cisco Tftp stopped on both nodes, phones that reset find no TFTP server.
      await pub.run('utils service stop Cisco Tftp');
      await sub.run('utils service stop Cisco Tftp');
      await pub.run('sim phone reset all');
      assert.equal(await sub.run('sim report phones summary'), [
        'sim report phones summary',
        'Cluster  Phones  Registered  Rebooting  Locked out  Unregistered  Rejected',
        'old          24           0          0           0            24         0',
        'new           0           0          0           0             0         0',
        '',
        'Not registered on old, by reason:',
        '      24  TFTP Timeout',
        'admin:',
      ].join('\r\n'));
    } finally {
      app.close();
    }
  });
});
