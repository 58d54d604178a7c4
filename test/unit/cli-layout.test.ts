// Help texts that automation can read through, and the `show status` columns of the reference.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { allCommands } from '../../commands';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, type TestSession } from '../helpers/terminal';

/** Cisco Unicon's VOS prompt pattern (DOTALL, so any line of the buffer may match). */
const UNICON_PROMPT = /^(.*?)([\r\n]|\x1b\[K)admin:\s*/s;

describe('help texts and show status layout', function () {
  this.timeout(30000);
  let app: App;
  let t: TestSession;

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    t = openTestSession(app);
  });
  afterEach(() => app.close());

  /** Everything `help <words>` prints, up to and including its final prompt. */
  async function help(words: string): Promise<string> {
    const from = t.mark();
    // A sentinel command after it marks the end without trusting the first `admin:` seen.
    t.type(`help ${words}\rshow myself\r`);
    await t.term.waitFor('logging setting : disabled\r\nadmin:', from);
    const out = t.term.output.slice(from);
    return out.slice(0, out.indexOf('admin:show myself') + 'admin:'.length);
  }

  it('no help text has a line that looks like the prompt before the final one', async () => {
    const paths = new Set<string>(['']);
    for (const spec of allCommands()) {
      const words = spec.path.split(' ');
      for (let i = 1; i <= words.length; i++) paths.add(words.slice(0, i).join(' '));
    }
    let examples = 0;
    for (const p of paths) {
      const out = await help(p);
      assert.match(out, /help:\r\n/, p);
      if (out.includes('Example:')) examples++;
      const m = UNICON_PROMPT.exec(out);
      assert.ok(m && m[0].length === out.length, `help ${p}: the prompt pattern matches mid-output:\n${JSON.stringify(out)}`);
    }
    assert.ok(examples >= 20, `examples seen: ${examples}`);
  });

  it('help examples show the command without the prompt in front', async () => {
    assert.match(await help('set cli pagination'), /\r\nExample:\r\nset cli pagination off\r\nAutomatic pagination is turned off\r\nadmin:$/);
  });

  it('show status memory and disk values end under the Total header, as in the reference', async () => {
    // cli.md 11.3 (EXACT); the values differ, the columns must not.
    const reference = [
      'Memory Total:        5945116K',
      '        Free:         148872K',
      '        Used:        4111244K',
      '      Cached:         998788K',
      '      Shared:         470380K',
      '     Buffers:        1685000K',
      '',
      '                        Total            Free            Used',
      'Disk/active         17921776K        3991112K       13730872K (78%)',
      'Disk/inactive       17921776K       16943272K          45080K (1%)',
      'Disk/logging        62681844K       28513908K       30960820K (53%)',
    ];
    const out = (await t.run('show status')).split('\r\n');
    const start = out.findIndex((l) => l.startsWith('Memory Total:'));
    const got = out.slice(start, start + reference.length);
    // Each right-aligned value with its padding becomes a run of #: equal runs mean equal columns.
    const shape = (l: string) => l.replace(/ *\d+K/g, (v) => '#'.repeat(v.length));
    assert.deepEqual(got.map(shape), reference.map(shape));
  });
});
