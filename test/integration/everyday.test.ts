// Everyday platform commands, exact bytes, values from the lab: network, system, time, replication,
// logs (over the lab SFTP server), accounts, run sql, file options, help; and the count of everyday
// commands that a shell which is visibly CUCM must know.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { App } from '../../src/app';
import { startLabSftpServer, type LabSftpServer } from '../../src/net/sftp-server';
import { generateHostKey } from '../../src/ssh/hostkey';
import { labDataDir } from '../helpers/cluster';
import { openTestSession, dialog, type TestSession } from '../helpers/terminal';
import { within } from '../helpers/wait';
import { ntpPeerLine } from '../../commands/platform-status';

const FAILURE = 'Executed command unsuccessfully';
const DATE1 = /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \w+ \d{4}$/;

/** Output lines of a run, without the echo and the final prompt. */
function body(out: string): string[] {
  const lines = out.split('\r\n');
  assert.equal(lines[lines.length - 1], 'admin:', out);
  return lines.slice(1, -1);
}

/** Compares line by line: a string exactly, a RegExp as a whole-line match. */
function expectLines(actual: string[], expected: (string | RegExp)[]): void {
  assert.equal(actual.length, expected.length, `line count differs:\n${actual.join('\n')}`);
  expected.forEach((e, i) => {
    if (typeof e === 'string') assert.equal(actual[i], e, `line ${i}`);
    else assert.match(actual[i], e, `line ${i}`);
  });
}

describe('everyday platform commands', function () {
  this.timeout(60000);
  let app: App;
  let pub: TestSession;
  let sub: TestSession;

  beforeEach(async () => {
    app = new App({ dataDir: await labDataDir(), timeScale: 0 });
    pub = openTestSession(app, { node: 'old-pub' });
    sub = openTestSession(app, { node: 'old-sub1' });
  });
  afterEach(() => app.close());

  describe('network', () => {
    it('show network cluster: the local node bare, the others since their boot, the processnode trailer on the publisher', async () => {
      expectLines(body(await pub.run('show network cluster')), [
        '10.10.20.11 old-pub.old.example.com old-pub Publisher callmanager DBPub authenticated',
        /^10\.10\.20\.12 old-sub1\.old\.example\.com old-sub1 Subscriber callmanager DBSub authenticated using TCP since \w{3} \w{3} \d{1,2} \d\d:\d\d:\d\d \d{4}$/,
        '',
        'Server Table (processnode) Entries',
        '----------------------------------',
        'old-pub.old.example.com',
        'old-sub1.old.example.com',
      ]);
      expectLines(body(await sub.run('show network cluster')), [
        /^10\.10\.20\.11 old-pub\.old\.example\.com old-pub Publisher callmanager DBPub authenticated using TCP since /,
        '10.10.20.12 old-sub1.old.example.com old-sub1 Subscriber callmanager DBSub authenticated',
      ]);
    });

    it('a restarting subscriber is not authenticated, and replication shows it', async () => {
      app.close();
      app = new App({ dataDir: await labDataDir(), timeScale: 1 });
      pub = openTestSession(app, { node: 'old-pub' });
      app.lab.cluster('old').services.restartNode({ node: 'old-sub1', user: 'admin', command: 'utils system restart' });
      const out = body(await pub.run('show network cluster'));
      assert.equal(out[1], '10.10.20.12 old-sub1.old.example.com old-sub1 Subscriber callmanager DBSub not authenticated');
      const rs = body(await pub.run('utils dbreplication runtimestate'));
      assert.ok(rs.includes('old-sub1                 10.10.20.12       N/A       N/N/N     --       (g_3)          (3) Connection Lost'), rs.join('\n'));
      const ping = body(await pub.run('utils network ping old-sub1 1'));
      assert.deepEqual(ping, [
        'PING old-sub1.old.example.com (10.10.20.12) 56(84) bytes of data.',
        'From 10.10.20.11 icmp_seq=1 Destination Host Unreachable',
        '',
        '--- old-sub1.old.example.com ping statistics ---',
        '1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 3ms',
      ]);
    });

    it('show network eth0 [detail] in the admin-guide layout, from the node address and domain', async () => {
      const eth0 = [
        'Ethernet 0',
        'DHCP         : disabled       Status      : up',
        'IP Address   : 10.10.20.12    IP Mask     : 255.255.255.000',
        'Link Detected: yes            Mode        : Auto disabled, Full, 1000 Mbits/s',
        'Duplicate IP : no',
        '',
        'DNS',
        'Primary  : 10.10.20.2         Secondary   : Not Configured',
        'Options  : timeout:5 attempts:2',
        'Domain   : old.example.com',
        'Gateway  : 10.10.20.1 on Ethernet 0',
      ];
      expectLines(body(await sub.run('show network eth0')), eth0);
      const detail = body(await sub.run('show network eth0 detail'));
      expectLines(detail.slice(0, eth0.length), eth0);
      assert.equal(detail[eth0.length + 1], 'Extended Information');
      assert.match(detail[eth0.length + 3], /^RX packets:\d+ errors:0 dropped:0 overruns:0 frame:0$/);
      assert.ok(body(await sub.run('show network eth0 bogus')).includes(FAILURE));
    });

    it('utils network ping and host resolve lab nodes; anything else fails like an unreachable host', async () => {
      expectLines(body(await pub.run('utils network ping 10.10.30.11 2')), [
        'PING 10.10.30.11 (10.10.30.11) 56(84) bytes of data.',
        /^64 bytes from 10\.10\.30\.11: icmp_seq=1 ttl=64 time=0\.\d{3} ms$/,
        /^64 bytes from 10\.10\.30\.11: icmp_seq=2 ttl=64 time=0\.\d{3} ms$/,
        '',
        '--- 10.10.30.11 ping statistics ---',
        '2 packets transmitted, 2 received, 0% packet loss, time 1002ms',
        /^rtt min\/avg\/max\/mdev = 0\.\d{3}\/0\.\d{3}\/0\.\d{3}\/0\.\d{3} ms$/,
      ]);
      expectLines(body(await pub.run('utils network ping 192.0.2.9 1')), [
        'PING 192.0.2.9 (192.0.2.9) 56(84) bytes of data.',
        'From 10.10.20.11 icmp_seq=1 Destination Host Unreachable',
        '',
        '--- 192.0.2.9 ping statistics ---',
        '1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 3ms',
      ]);
      assert.deepEqual(body(await pub.run('utils network ping nowhere')), ['ping: unknown host nowhere']);
      assert.ok(body(await pub.run('utils network ping old-sub1 0')).includes(FAILURE));
      assert.deepEqual(body(await pub.run('utils network host old-sub1')), [
        'Local Resolution:', 'old-sub1.old.example.com resolves locally to 10.10.20.12', '', 'External Resolution:', 'old-sub1.old.example.com has address 10.10.20.12',
      ]);
      assert.deepEqual(body(await pub.run('utils network host 10.10.20.12')), [
        'Local Resolution:', '10.10.20.12 resolves locally to old-sub1.old.example.com', '', 'External Resolution:', '12.20.10.10.in-addr.arpa domain name pointer old-sub1.old.example.com.',
      ]);
      assert.deepEqual(body(await pub.run('utils network host new-pub')), [
        'Local Resolution:', 'new-pub does not resolve locally', '', 'External Resolution:', 'new-pub.new.example.com has address 10.10.30.11',
      ]);
      assert.deepEqual(body(await pub.run('utils network host ghost')), [
        'Local Resolution:', 'ghost does not resolve locally', '', 'External Resolution:', 'Host ghost not found: 3(NXDOMAIN)',
      ]);
    });

    it('show tech network hosts, show network ipprefs all and show open ports follow the nodes and the running services', async () => {
      assert.deepEqual(body(await sub.run('show tech network hosts')), [
        '-------------------- show platform network --------------------',
        '',
        '/etc/hosts File:',
        '#This file was generated by the /etc/hosts cluster manager.',
        '#It is automatically updated as nodes are added, changed, removed from the cluster.',
        '',
        '127.0.0.1 localhost',
        '10.10.20.11 old-pub.old.example.com old-pub',
        '10.10.20.12 old-sub1.old.example.com old-sub1',
      ]);
      const prefs = body(await pub.run('show network ipprefs all'));
      assert.equal(prefs[0], 'Application  IPProtocol   PortValue  Type        XlatedPort  Status    Description');
      assert.ok(prefs.includes('tftp         udp          69         public      -           enabled   Cisco TFTP service'), prefs.join('\n'));
      assert.ok(prefs.some((l) => l.startsWith('capf ')));
      assert.ok(!body(await sub.run('show network ipprefs all')).some((l) => l.startsWith('capf ')), 'CAPF is not activated on the subscriber');
      const open = body(await pub.run('show open ports'));
      assert.ok(open.includes('udp   0.0.0.0:69             0.0.0.0:*                          tftp'), open.join('\n'));
      await pub.run('utils service stop Cisco Tftp');
      assert.ok(!body(await pub.run('show open ports')).some((l) => l.endsWith(' tftp')), 'a stopped TFTP listens nowhere');
    });
  });

  describe('system and time', () => {
    it('show hardware from the lab hardware block', async () => {
      const hw = body(await pub.run('show hardware'));
      expectLines(hw.slice(0, 7), [
        'HW Platform       : VMware Virtual Machine',
        'Processors        : 2',
        'Type              : Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz',
        'CPU Speed         : 2400',
        'Memory            : 6144 MBytes',
        'Object ID         : 1.3.6.1.4.1.9.1.1348',
        'OS Version        : UCOS 7.0.0.0-4.i386',
      ]);
      assert.ok(hw.includes('Size (in GB)    : 80'));
    });

    it('show timezone, show date, show process load, show diskusage activelog', async () => {
      assert.deepEqual(body(await pub.run('show timezone')), ['Current timezone: America/New_York', 'Timezone version: 2024a']);
      assert.deepEqual(body(await pub.run('show timezone config')), ['Current timezone: America/New_York', 'Timezone version: 2024a']);
      expectLines(body(await pub.run('show date')), [DATE1]);
      const load = body(await pub.run('show process load'));
      assert.match(load[0], /^top - \d\d:\d\d:\d\d up .*,  1 user,  load average: /);
      assert.ok(load.some((l) => l.endsWith(' capf')));
      assert.ok(!body(await sub.run('show process load')).some((l) => l.endsWith(' capf')));
      const du = body(await pub.run('show diskusage activelog'));
      assert.equal(du[0], 'Filesystem            1K-blocks      Used Available Use% Mounted on');
      assert.match(du[du.length - 1], /^\d+\s+\/var\/log\/active\/$/);
    });

    it('utils diagnose test: the reference layout, a growing log number, failures when the cluster is offline', async () => {
      const out = body(await pub.run('utils diagnose test'));
      expectLines(out, [
        '',
        'Log file: platform/log/diag1.log',
        '',
        'Starting diagnostic test(s)',
        '===========================',
        'test - disk_space          : Passed (available: 6463 MB, used: 12681 MB)',
        'skip - disk_files          : This module must be run directly and off hours',
        'test - service_manager     : Passed',
        'test - tomcat              : Passed',
        'test - tomcat_deadlocks    : Passed',
        'test - tomcat_keystore     : Passed',
        'test - tomcat_connectors   : Passed',
        'test - tomcat_threads      : Passed',
        'test - tomcat_memory       : Passed',
        'test - tomcat_sessions     : Passed',
        'skip - tomcat_heapdump     : This module must be run directly and off hours',
        'test - validate_network    : Passed',
        'test - raid                : Passed',
        'test - system_info         : Passed (Collected system information in diagnostic log)',
        'test - ntp_reachability    : Passed',
        'test - ntp_clock_drift     : Passed',
        'test - ntp_stratum         : Passed',
        'skip - sdl_fragmentation   : This module must be run directly and off hours',
        'skip - sdi_fragmentation   : This module must be run directly and off hours',
        '',
        'Diagnostics Completed',
        '',
        ' The final output will be in Log file: platform/log/diag1.log',
        '',
        " Please use 'file view activelog platform/log/diag1.log' command to see the output",
      ]);
      // PONCHO-SSH's parser contract
      for (const l of out.filter((x) => /^(test|skip) - /.test(x))) assert.match(l, /\w+\s-\s\w+\s+:\s.+/);
      await pub.run('sim cluster old offline');
      const again = body(await pub.run('utils diagnose test'));
      assert.equal(again[1], 'Log file: platform/log/diag2.log');
      assert.ok(again.includes('test - validate_network    : Reverse DNS lookup failed'));
      assert.ok(again.includes('test - ntp_stratum         : Warning The local clock is not synchronised.'));
      assert.ok(again.includes('None of the designated NTP servers are reachable/functioning or legitimate.'));
      assert.deepEqual(body(await pub.run('file list activelog platform/log/diag*')), ['diag1.log', 'diag2.log', 'dir count = 0, file count = 2']);
    });

    it('utils ntp status: the publisher from the lab NTP server, a subscriber from the publisher, unsynchronised when cut off', async () => {
      // The peer line keeps the reference columns (cli.md 11.5).
      assert.equal(
        ntpPeerLine('*', '203.0.113.0', '.GOOG.', 1, '44', '64', '377', ['11.724', '-0.021', '0.064']),
        '*203.0.113.0     .GOOG.           1 u   44   64   377   11.724   -0.021    0.064',
      );
      expectLines(body(await pub.run('utils ntp status')), [
        'ntpd (pid 2000) is running...',
        '',
        '     remote           refid      st t when poll reach   delay   offset    jitter',
        '==============================================================================',
        /^\*10\.10\.20\.3      \.GPS\.            2 u +\d{1,2}   64   377    0\.412   -0\.021    0\.064$/,
        '',
        'synchronised to NTP server (10.10.20.3) at stratum 3',
        '   time correct to within 36 ms',
        '   polling server every 64 s',
        '',
        /^Current time in UTC is : \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}$/,
        /^Current time in America\/New_York is : \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d E[SD]T \d{4}$/,
      ]);
      const s = body(await sub.run('utils ntp status'));
      assert.match(s[4], /^\*10\.10\.20\.11     10\.10\.20\.3       3 u /);
      assert.equal(s[6], 'synchronised to NTP server (10.10.20.11) at stratum 4');
      await pub.run('sim cluster old offline');
      const u = body(await sub.run('utils ntp status'));
      assert.match(u[4], /^ 10\.10\.20\.11 /);
      assert.deepEqual(u.slice(6, 9), ['unsynchronised', '   time server re-starting', '   polling server every 8 s']);
    });

    it('utils dbreplication runtimestate, then status on the publisher only, then runtimestate shows the status run', async () => {
      const rs = body(await pub.run('utils dbreplication runtimestate'));
      expectLines(rs, [
        '',
        /^Server Time: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d E[SD]T \d{4}$/,
        '',
        /^Cluster Replication State: BROADCAST SYNC ended at: \d{4}-\d\d-\d\d-\d\d-\d\d$/,
        '     Sync Result: SYNC COMPLETED on 731 tables out of 731',
        '     Sync Status: All Tables are in sync',
        /^     Use CLI to see detail: 'file view activelog cm\/trace\/dbl\/\d{8}_\d{6}_dbl_repl_output_Broadcast\.log'$/,
        '',
        'DB Version: ccm12_5_1_14900_63',
        '',
        'Repltimeout set to: 300s',
        'PROCESS option set to: 1',
        '',
        'Cluster Detailed View from old-pub (2 Servers):',
        '',
        '                                           PING      DB/RPC/   REPL.    Replication    REPLICATION SETUP',
        'SERVER-NAME              IP ADDRESS        (msec)    DbMon?    QUEUE    Group ID       (RTMT) & Details',
        '-----------              ----------        ------    -------   -----    -----------    ------------------',
        /^old-sub1                 10\.10\.20\.12       0\.\d{3}     Y\/Y\/Y     0        \(g_3\)          \(2\) Setup Completed$/,
        'old-pub                  10.10.20.11       0.016     Y/Y/Y     0        (g_2)          (2) Setup Completed',
      ]);
      const refused = body(await sub.run('utils dbreplication status'));
      assert.equal(refused[refused.length - 1], FAILURE);
      const st = body(await pub.run('utils dbreplication status'));
      expectLines(st, [
        'Replication status check is now running in background .',
        "Use command 'utils dbreplication runtimestate' to check its progress",
        '',
        /^The final output will be in file cm\/trace\/dbl\/sdi\/ReplicationStatus\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.out$/,
        '',
        /^Please use "file view activelog cm\/trace\/dbl\/sdi\/ReplicationStatus\.\d{4}(_\d\d){5}\.out " command to see the output$/,
      ]);
      const file = /ReplicationStatus\.[\d_]+\.out/.exec(st[3])![0];
      const after = body(await pub.run('utils dbreplication runtimestate'));
      assert.match(after[3], /^Cluster Replication State: Replication status command started at: /);
      assert.equal(after[8], `     Use 'file view activelog cm/trace/dbl/sdi/${file}' to see the details`);
      assert.deepEqual(body(await pub.run('file list activelog cm/trace/dbl/sdi')), [file, 'dir count = 0, file count = 1']);
    });

    it('utils core active list, show account, show web-security', async () => {
      assert.deepEqual(body(await pub.run('utils core active list')), ['No core files found']);
      assert.deepEqual(body(await pub.run('show account')), ['Name = admin, Privilege = 4', 'Name = operator, Privilege = 1', 'Name = reader, Privilege = 0']);
      assert.deepEqual(body(await sub.run('show web-security')), [
        '-----------------------------------------',
        'Current web security settings:',
        'OrgUnit:  Collaboration',
        'OrgName:  Example Corp',
        'Locality: Raleigh',
        'State:    North Carolina',
        'Country:  US',
        'Subject Name: CN=old-sub1.old.example.com',
        '-----------------------------------------',
      ]);
    });
  });

  describe('run sql', () => {
    it('prints the Informix layout over CUCM-shaped tables of the lab', async () => {
      assert.deepEqual(body(await pub.run('run sql select count(*) from device')), ['(count(*))', '==========', '24']);
      assert.deepEqual(body(await pub.run("run sql select d.name, t.name as Model from device d, typemodel t where d.tkmodel = t.enum and d.name like 'CSF%'")), [
        'name        model',
        '=========== =======================================',
        'CSFUSER0023 Cisco Unified Client Services Framework',
        'CSFUSER0024 Cisco Unified Client Services Framework',
      ]);
      assert.deepEqual(body(await pub.run('run sql select name, tknodeusage, isactive from processnode order by nodeid')), [
        'name                     tknodeusage isactive',
        '======================== =========== ========',
        'EnterpriseWideData       1           t',
        'old-pub.old.example.com  0           t',
        'old-sub1.old.example.com 1           t',
      ]);
      assert.deepEqual(body(await pub.run("run sql select name from devicepool where name = 'none'")), ['name', '====']);
      assert.deepEqual(body(await pub.run("run sql select paramvalue from processconfig where paramname = 'Prepare Cluster for Rollback to pre-8.0'")), ['paramvalue', '==========', 'False']);
    });

    it('refuses anything but one bounded SELECT with the Informix sentences, and nothing changes', async () => {
      const cases: [string, string][] = [
        ['run sql select name from phone', 'The specified table (phone) is not in the database.'],
        ['run sql select nmae from device', 'Column (nmae) not found in any table in the query (or SLV is undefined).'],
        ["run sql update device set description = 'x'", 'No UPDATE permission.'],
        ['run sql delete from device', 'No DELETE permission.'],
        ["run sql insert into device (name) values ('x')", 'No INSERT permission.'],
        ['run sql drop table device', 'A syntax error has occurred.'],
        ['run sql select 1; delete from device', 'A syntax error has occurred.'],
        ['run sql selct name from device', 'A syntax error has occurred.'],
        ['run sql select x from (with recursive c(x) as (select 1 union all select x + 1 from c) select x from c)', 'A syntax error has occurred.'],
        ['run sql select a.name from device a, device b', 'The query joins too many tables for this system.'],
      ];
      for (const [cmd, err] of cases) assert.deepEqual(body(await pub.run(cmd)), [err, FAILURE], cmd);
      assert.deepEqual(body(await pub.run('run sql select count(*) from device')), ['(count(*))', '==========', '24']);
      assert.equal(app.lab.fleetOf('old').phones().length, 24);
    });
  });

  describe('file options and help', () => {
    it('file list tftp takes page|detail|reverse and date|size', async () => {
      const names = body(await pub.run('file list tftp *'));
      assert.ok(names.length >= 2);
      assert.deepEqual(body(await pub.run('file list tftp * reverse')), [...names.slice(0, -1).reverse(), names[names.length - 1]]);
      const detail = body(await pub.run('file list tftp * page detail size'));
      assert.match(detail[0], /^\d\d \w{3},\d{4} \d\d:\d\d:\d\d +[\d,]+  \S+$/);
      assert.deepEqual(body(await pub.run('file list tftp * sideways')), ['Invalid option: sideways', FAILURE]);
      assert.deepEqual(body(await pub.run('file list tftp * date size')), ['Only one of date and size may be given.', FAILURE]);
    });

    it('help and ? know the new commands', async () => {
      for (const words of ['show network cluster', 'utils ntp status', 'utils dbreplication runtimestate', 'run sql', 'file list activelog', 'utils diagnose test', 'show hardware']) {
        const out = await pub.run(`help ${words}`);
        assert.match(out, new RegExp(`\\r\\n${words.split(' ').pop()} help:\\r\\n`), words);
      }
      const from = pub.mark();
      pub.type('utils dbreplication ?');
      await pub.term.waitFor('status', from);
      assert.match(pub.term.output.slice(from), /runtimestate\s+status/);
    });
  });

  describe('with a lab SFTP server', () => {
    let base: string;
    let lab: LabSftpServer;
    beforeEach(async () => {
      base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ucmsim-activelog-'));
      await fsp.mkdir(path.join(base, 'root'));
      lab = await startLabSftpServer({ root: path.join(base, 'root'), host: '127.0.0.1', port: 0, username: 'lab', password: 'labpass', hostKey: Buffer.from(generateHostKey()), authFailDelayMs: 20 });
    });
    afterEach(async () => {
      await within(lab.close(), 5000, 'closing the lab SFTP server');
      await fsp.rm(base, { recursive: true, force: true });
    });

    function sftpSteps(): [string, string][] {
      return [['Would you like to proceed [y/n]? ', 'y'], ['SFTP server IP: ', '127.0.0.1'], ['SFTP server port [22]: ', String(lab.port)], ['User ID: ', 'lab'], ['Password: ', 'labpass'], ['Download directory: ', '/']];
    }

    it('file get activelog sends the CLI audit written from the events, compressed when asked', async () => {
      await pub.run('utils service restart Cisco Tftp');
      const out = await dialog(pub, 'file get activelog platform/log/cli* compress', sftpSteps());
      assert.ok(out.includes('\r\nGet file: /var/log/active/platform/log/cli00001.log\r\n'), out);
      assert.ok(out.includes('\r\nSub-directories were not traversed.\r\nNumber of files affected: 1\r\n'), out);
      assert.ok(out.endsWith('\r\nTransfer completed.\r\nadmin:'), out);
      const log = zlib.gunzipSync(await fsp.readFile(path.join(base, 'root', 'platform_log_cli00001.log.gz'))).toString();
      assert.match(log, /service-restart admin@old-pub "utils service restart Cisco Tftp"/);
    });

    it('file get tftp takes match and reltime', async () => {
      const out = await dialog(pub, 'file get tftp * match ITL reltime days 1', sftpSteps());
      assert.ok(out.includes('Get file: /usr/local/cm/tftp/ITLFile.tlv'), out);
      assert.ok(out.endsWith('\r\nTransfer completed.\r\nadmin:'), out);
      assert.deepEqual(body(await pub.run('file get tftp * abstime 00:00:01/01/01 00:00:01/02/01')), ['No files matched the file specification.', FAILURE]);
    });
  });

  it('of the everyday commands an admin types, at most 3 answer No valid command entered', async () => {
    const everyday = [
      'show network cluster', 'show network eth0', 'show network eth0 detail', 'show network ipprefs all', 'utils network ping old-sub1 1',
      'utils network host old-sub1', 'show tech network hosts', 'show open ports', 'show hardware', 'show timezone config', 'show date',
      'show process load', 'show diskusage activelog', 'utils diagnose test', 'utils ntp status', 'utils dbreplication runtimestate',
      'utils dbreplication status', 'utils core active list', 'file list activelog platform/log', 'show account', 'show web-security',
      'run sql select name from device', 'utils fips status', 'show version active', 'show version inactive', 'show status', 'show myself',
      'utils service list', 'show cert list own', 'show itl', 'show ctl', 'utils system upgrade status', 'utils disaster_recovery status backup',
      'utils disaster_recovery history backup', 'utils disaster_recovery device list', 'file list tftp *', 'show risdb query phone',
      'utils diagnose list', 'utils network connectivity', 'show cli session timeout',
    ];
    assert.equal(everyday.length, 40);
    const unknown: string[] = [];
    for (const c of everyday) {
      if (c === 'utils network connectivity') {
        const out = await dialog(pub, c, [['Continue (y/n)?', 'y']]);
        assert.ok(out.includes('Network connectivity test with 10.10.20.11 completed successfully .'), out);
        continue;
      }
      if ((await pub.run(c)).includes('No valid command entered')) unknown.push(c);
    }
    assert.ok(unknown.length <= 3, `unknown: ${unknown.join(', ')}`);
  });
});
