// The dashboard's phone list and objectives, in-process: filtering, scrolling, switching cluster, and
// the objectives a running training scenario provides.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { provideObjectives } from '../../src/dashboard/objectives';
import { labDataDir } from '../helpers/cluster';
import { openTestSession, type TestSession } from '../helpers/terminal';
import { LiveScreen } from '../helpers/live-screen';

describe('integration: the dashboard phone list and objectives', function () {
  this.timeout(60000);
  let app: App;
  let t: TestSession;
  let screen: LiveScreen;

  beforeEach(async () => {
    app = new App({ dataDir: await labDataDir(), timeScale: 0 });
    t = openTestSession(app, { node: 'old-pub', cols: 160, rows: 40 });
    screen = new LiveScreen(160, 40);
    // The session writes to the fake terminal; the screen sees the same bytes.
    const write = t.term.write.bind(t.term);
    t.term.write = (s: string) => {
      write(s);
      screen.feed(s);
    };
    (t.term as unknown as { term: string }).term = 'xterm-256color';
  });
  afterEach(() => {
    app.close();
    screen.dispose();
  });

  const label = (s: LiveScreen) => /Phones of (\S+): ([^│┐]*?) ─/.exec(s.text)?.slice(1).join(': ') ?? '';

  it('filters, scrolls and switches cluster; q goes back to the prompt', async () => {
    t.type('sim dashboard\r');
    await screen.waitUntil((s) => label(s).startsWith('old: 1-'), 'the phone list');
    const shown = Number(/1-(\d+) of 24/.exec(label(screen))![1]);
    t.type('\x1b[6~'); // PgDn: a page on, or the last page
    const next = Math.min(shown, 24 - shown) + 1;
    await screen.waitUntil((s) => label(s).startsWith(`old: ${next}-`), 'the next page');
    t.type('\x1b[5~'); // PgUp
    await screen.waitUntil((s) => label(s).startsWith('old: 1-'), 'the first page');
    t.type('G'); // the end
    await screen.waitUntil((s) => /-24 of 24/.test(label(s)), 'the last page');
    assert.match(screen.text, /CSFUSER0024\s+Jabber/);
    t.type('g/jabber\r');
    await screen.waitUntil((s) => label(s) === 'old: 1-2 of 2 filter "jabber"', 'the filtered list');
    assert.match(screen.text, /CSFUSER0023/);
    assert.ok(!screen.text.includes('SEP00AA00000001'));
    t.type('/\x1b');
    await screen.waitUntil((s) => label(s).startsWith('old: 1-') && label(s).includes('of 24') && !label(s).includes('filter'), 'the filter cleared');
    t.type('\t');
    await screen.waitUntil((s) => label(s) === 'new: 0 of 0', 'the phones of new');
    const from = t.mark();
    t.type('q');
    await t.term.waitFor('admin:', from);
    await screen.waitUntil((s) => s.bufferType === 'normal' && s.cursorRow === 'admin:', 'the prompt');
    assert.match(await t.run('show myself'), /^show myself\r\nMachine Name/);
  });

  it('shows the objectives of a running scenario, and nothing once it ends', async () => {
    let done = false;
    const stop = provideObjectives(app.lab, () => ({ title: 'ITL recovery', objectives: [{ text: 'Reset the ITL', done: true }, { text: 'Every phone registered', done }] }));
    t.type('sim dashboard\r');
    await screen.waitUntil((s) => s.text.includes('Objectives: ITL recovery') && s.text.includes('[x] Reset the ITL') && s.text.includes('[ ] Every phone registered'), 'the objectives');
    // Another session's commands are events: the dashboard asks the scenario again.
    const other = openTestSession(app, { node: 'old-sub1' });
    done = true;
    await other.run('sim phone reset all');
    await screen.waitUntil((s) => s.text.includes('[x] Every phone registered'), 'the objective done');
    stop();
    await other.run('sim phone reset all');
    await screen.waitUntil((s) => !s.text.includes('Objectives') && s.text.includes('Phones of old'), 'no objectives');
    const from = t.mark();
    t.type('q');
    await t.term.waitFor('admin:', from);
  });
});
