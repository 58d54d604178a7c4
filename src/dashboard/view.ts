// The dashboard drawn by blessed on whatever streams it is given: an SSH channel or the local tty. It
// redraws when the lab records an event, a key is pressed or the window changes, at most ten frames a
// second, and reads only what a frame shows: counts aggregated by the store and one page of phones.
import blessed from 'blessed';
import type { FullScreenIo } from '../cli/command';
import type { LabEvent } from '../lab/events';
import { bindScreen } from './screen';
import { feedLine, WATCHED_SERVICES, type ClusterView, type DashboardSource, type ServiceMark, type TrustFileView } from './model';

const FEED_LINES = 200;
const MAX_FILTER = 40;

const esc = (s: string) => blessed.escape(s);
/** `s` in exactly `w` columns: padded, or cut with a ~ where it goes on. */
const fit = (s: string, w: number) => (w <= 0 ? '' : s.length > w ? s.slice(0, w - 1) + '~' : s.padEnd(w));

const MARK_STYLE: Record<ServiceMark, string> = { up: 'green-fg', down: 'red-fg', off: 'yellow-fg', '-': 'white-fg', boot: 'magenta-fg' };

function phonesLines(clusters: ClusterView[], width: number): string[] {
  const long = width >= 70;
  const titles = long ? ['Phones', 'Registered', 'Rebooting', 'Locked out', 'Unregistered', 'Rejected'] : ['Phones', 'Reg', 'Reboot', 'Locked', 'Unreg', 'Rej'];
  const nameW = Math.max(7, ...clusters.map((c) => c.name.length + 1));
  const lines = ['Cluster'.padEnd(nameW) + titles.map((t) => t.padStart(t.length + 1)).join('')];
  for (const c of clusters) {
    const p = c.phones;
    const v = [p.total, p.registered, p.rebooting, p.lockedOut, p.unregistered, p.rejected];
    lines.push(esc(c.name.padEnd(nameW)) + v.map((n, i) => {
      const cell = String(n).padStart(titles[i].length + 1);
      return i === 3 && n > 0 ? `{red-fg}${cell}{/red-fg}` : cell;
    }).join(''));
  }
  for (const c of clusters) {
    for (const r of c.phones.reasons.slice(0, 4)) lines.push(esc(fit(`${c.name}: ${String(r.phones).padStart(5)} ${r.reason}`, width)));
  }
  return lines;
}

function clusterLines(clusters: ClusterView[]): string[] {
  const nodeW = Math.max(6, ...clusters.flatMap((c) => c.nodes.map((n) => n.name.length + 2)));
  const lines: string[] = [];
  for (const c of clusters) {
    const mode = c.mixed ? '{yellow-fg}mixed mode{/yellow-fg}' : 'non-secure';
    lines.push(`{bold}${esc(c.name)}{/bold} ${esc(c.version)} ${mode}${c.online ? '' : ' {red-fg}offline{/red-fg}'}`);
    lines.push('Node'.padEnd(nodeW) + WATCHED_SERVICES.map(([t]) => t.padEnd(t === 'Tomcat' ? 6 : 5)).join(''));
    for (const n of c.nodes) {
      const cells = n.services.map((m, i) => `{${MARK_STYLE[m]}}${m.padEnd(WATCHED_SERVICES[i][0] === 'Tomcat' ? 6 : 5)}{/${MARK_STYLE[m]}}`);
      lines.push(esc((n.name + (n.publisher ? '*' : '')).padEnd(nodeW)) + cells.join(''));
    }
  }
  return lines;
}

function tftpLines(clusters: ClusterView[], width: number): string[] {
  const wide = width >= 90;
  const file = (kind: string, f: TrustFileView | null) => {
    if (!f) return `${kind} none`;
    const warn = f.overLimit ? '{red-fg}over 64 KB{/red-fg} ' : '';
    return `${kind} ${String(f.size).padStart(6)} B md5 ${wide ? f.md5 : f.md5.slice(0, 8)} ${warn}${esc(f.signer)}`;
  };
  const nodeW = Math.max(8, ...clusters.flatMap((c) => c.tftp.map((t) => t.node.length + 1)));
  const lines: string[] = [];
  for (const c of clusters) {
    for (const t of c.tftp) {
      lines.push(esc(t.node.padEnd(nodeW)) + file('ITL', t.itl));
      lines.push(' '.repeat(nodeW) + file('CTL', t.ctl));
    }
    if (!c.tftp.length) lines.push(`${esc(c.name)}: no node runs Cisco Tftp`);
  }
  return lines;
}

export interface DashboardState {
  /** the cluster whose phones the list shows */
  cluster: number;
  offset: number;
  filter: string;
  editingFilter: boolean;
}

/**
 * Runs the dashboard on `io` until q, Ctrl-C or the end of `io.signal`; the terminal is restored (blessed
 * leaves the alternate screen and shows the cursor) before the promise resolves.
 */
export function runDashboard(io: FullScreenIo, source: DashboardSource, termType: string, log: (m: string) => void = () => {}, onFrame?: (ms: number) => void): Promise<void> {
  let unsubscribe = () => {};
  const bound = bindScreen(io, termType, {
    draw: () => draw(),
    key: (ch, name) => onKey(ch, name),
    stop: () => unsubscribe(),
    log,
    onFrame,
  });
  const { screen, request, finish } = bound;
  // Lines too long for a box are cut, not wrapped: a box's height is its number of lines.
  const box = (label: string) => blessed.box({ parent: screen, label: ` ${label} `, tags: true, wrap: false, border: { type: 'line' }, style: { border: { fg: 'cyan' } } });
  const header = blessed.box({ parent: screen, top: 0, left: 0, height: 1, width: '100%', tags: true, style: { fg: 'black', bg: 'cyan' } });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, height: 1, width: '100%', tags: true });
  const phonesBox = box('Phones by state');
  const clustersBox = box('Clusters and nodes');
  const tftpBox = box('TFTP trust files');
  const objectivesBox = box('Objectives');
  const listBox = box('Phone list');
  const feedBox = box('Events');

  const st: DashboardState = { cluster: 0, offset: 0, filter: '', editingFilter: false };
  const feed: string[] = source.recentEvents(50).map(feedLine);
  let lastEvent: LabEvent | null = null;
  let listRows = 10;
  let clusterCount = 1;

  const place = (el: blessed.Widgets.BoxElement, top: number, left: number, width: number, height: number) => {
    if (height < 3) return el.hide();
    el.show();
    Object.assign(el, { top, left, width, height });
  };

  const draw = () => {
    const W = screen.width as number;
    const H = screen.height as number;
    const clusters = source.clusters();
    clusterCount = clusters.length;
    st.cluster = Math.min(st.cluster, clusters.length - 1);
    const body = H - 2;
    const leftW = W >= 120 ? Math.floor(W * 0.45) : Math.min(W, Math.max(48, Math.floor(W / 2)));
    const rightW = W - leftW;
    const phones = phonesLines(clusters, leftW - 2);
    const nodes = clusterLines(clusters);
    const tftp = tftpLines(clusters, leftW - 2);
    const goals = source.objectives();

    // Left column: the counts first (they must show on the smallest screen), then nodes, then trust files.
    const phonesH = Math.min(phones.length + 2, body);
    const nodesH = Math.min(nodes.length + 2, body - phonesH);
    place(phonesBox, 1, 0, leftW, phonesH);
    place(clustersBox, 1 + phonesH, 0, leftW, nodesH);
    place(tftpBox, 1 + phonesH + nodesH, 0, leftW, body - phonesH - nodesH);
    phonesBox.setContent(phones.join('\n'));
    clustersBox.setContent(nodes.join('\n'));
    tftpBox.setContent(tftp.join('\n'));

    // Right column: objectives when a scenario runs, the phone list, the feed.
    let top = 1;
    if (goals && rightW >= 20) {
      const lines = goals.objectives.map((o) => `${o.done ? '{green-fg}[x]{/green-fg}' : '[ ]'} ${esc(o.text)}`);
      const h = Math.min(lines.length + 2, Math.floor(body / 3));
      objectivesBox.setLabel(` Objectives: ${esc(goals.title)} `);
      objectivesBox.setContent(lines.join('\n'));
      place(objectivesBox, top, leftW, rightW, h);
      top += h;
    } else objectivesBox.hide();
    const rest = 1 + body - top;
    const listH = Math.max(3, Math.floor(rest * 0.6));
    place(listBox, top, leftW, rightW, listH);
    place(feedBox, top + listH, leftW, rightW, rest - listH);
    if (rightW < 20) {
      listBox.hide();
      feedBox.hide();
    }

    const inner = rightW - 2;
    listRows = Math.max(1, listH - 3);
    const c = clusters[st.cluster];
    let page = c ? source.phones(c.name, st.filter, st.offset, listRows) : { total: 0, rows: [] };
    const lastOffset = Math.max(0, page.total - listRows);
    if (c && st.offset > lastOffset) {
      // Scrolled past the end (or End pressed): show the last page.
      st.offset = lastOffset;
      page = source.phones(c.name, st.filter, st.offset, listRows);
    }
    const cols: [string, number, (r: (typeof page.rows)[number]) => string][] = [['Device Name', 16, (r) => r.name]];
    if (inner >= 60) cols.push(['Model', 8, (r) => r.model]);
    if (inner >= 80) cols.push(['ITL held', inner >= 130 ? 36 : 24, (r) => r.itl]);
    if (inner >= 100) cols.push(['Device Pool', 12, (r) => r.pool]);
    if (inner >= 120) cols.push(['TFTP', 16, (r) => r.tftp]);
    const lastW = Math.max(8, inner - cols.reduce((n, [, w]) => n + w, 0));
    const cell = (t: string, w: number) => fit(t, w - 1) + ' ';
    const headerLine = cols.map(([t, w]) => cell(t, w)).join('') + fit('Last event', lastW);
    const rows = page.rows.map((r) => esc(cols.map(([, w, v]) => cell(v(r), w)).join('') + fit(r.last, lastW)));
    listBox.setContent([`{bold}${esc(headerLine)}{/bold}`, ...rows].join('\n'));
    const shown = page.rows.length ? `${st.offset + 1}-${st.offset + page.rows.length} of ${page.total}` : `0 of ${page.total}`;
    const filter = st.filter || st.editingFilter ? ` filter "${st.filter}${st.editingFilter ? '_' : ''}"` : '';
    listBox.setLabel(` Phones of ${c ? c.name : '-'}: ${shown}${filter} `);

    const feedRows = Math.max(0, (feedBox.height as number) - 2);
    feedBox.setContent(feed.slice(-feedRows).map((l) => esc(fit(l, inner))).join('\n'));

    const when = (lastEvent?.simTime ?? source.now().toISOString()).slice(0, 19).replace('T', ' ');
    header.setContent(esc(fit(` ucmsim dashboard  ${source.title}  sim time ${when}`, W)));
    footer.setContent(st.editingFilter ? ' type a filter, Enter keeps it, Esc clears it' : ' q quit  / filter  up/down PgUp/PgDn Home/End scroll  Tab next cluster');
  };

  function onKey(ch: string | undefined, name: string): void {
    if (st.editingFilter) {
      if (name === 'enter' || name === 'return') st.editingFilter = false;
      else if (name === 'escape') Object.assign(st, { editingFilter: false, filter: '', offset: 0 });
      else if (name === 'backspace') st.filter = st.filter.slice(0, -1);
      else if (ch && /^[\x20-\x7e]$/.test(ch) && st.filter.length < MAX_FILTER) Object.assign(st, { filter: st.filter + ch, offset: 0 });
      return request();
    }
    switch (name) {
      case 'q':
        return finish();
      case '/':
        st.editingFilter = true;
        break;
      case 'up':
      case 'k':
        st.offset = Math.max(0, st.offset - 1);
        break;
      case 'down':
      case 'j':
        st.offset += 1;
        break;
      case 'pageup':
        st.offset = Math.max(0, st.offset - listRows);
        break;
      case 'pagedown':
      case 'space':
        st.offset += listRows;
        break;
      case 'home':
      case 'g':
        st.offset = 0;
        break;
      case 'end':
      case 'S-g':
        st.offset = Number.MAX_SAFE_INTEGER;
        break;
      case 'tab':
        Object.assign(st, { cluster: st.cluster + 1 >= clusterCount ? 0 : st.cluster + 1, offset: 0 });
        break;
      default:
        if (ch === '/') st.editingFilter = true;
        else if (ch === 'G') st.offset = Number.MAX_SAFE_INTEGER;
        else return;
    }
    request();
  }

  unsubscribe = source.subscribe((e) => {
    lastEvent = e;
    feed.push(feedLine(e));
    if (feed.length > FEED_LINES) feed.splice(0, feed.length - FEED_LINES);
    request();
  });
  return bound.done;
}
