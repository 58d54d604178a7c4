// The classroom view: one small box per seat (a trainee's data directory) with its phone counts, the
// signer of each cluster's ITL, the scenario's progress and the seat's last event.
import blessed from 'blessed';
import type { FullScreenIo } from '../cli/command';
import type { LabEvent } from '../lab/events';
import { bindScreen } from './screen';
import { feedLine, type DashboardSource } from './model';

const SEAT_W = 38;
const SEAT_H = 7;

const fit = (s: string, w: number) => (w <= 0 ? '' : s.length > w ? s.slice(0, w - 1) + '~' : s);

function seatLines(source: DashboardSource, last: LabEvent | null, width: number): string[] {
  const lines: string[] = [];
  for (const c of source.clusters()) {
    const p = c.phones;
    const locked = p.lockedOut ? `{red-fg}${p.lockedOut} locked{/red-fg}` : '0 locked';
    lines.push(`${blessed.escape(fit(c.name, 10))} ${p.registered}/${p.total} reg, ${p.rebooting} boot, ${locked}`);
    const itl = c.tftp[0]?.itl;
    if (itl) lines.push(`  ITL ${blessed.escape(fit(itl.signer, width - 6))}${itl.overLimit ? ' {red-fg}>64KB{/red-fg}' : ''}`);
  }
  const goals = source.objectives();
  if (goals) lines.push(`${blessed.escape(fit(goals.title, width - 12))}: ${goals.objectives.filter((o) => o.done).length}/${goals.objectives.length} done`);
  if (last) lines.push(blessed.escape(fit(feedLine(last), width)));
  return lines;
}

/** Runs the grid until q or Ctrl-C; seats that do not fit the window are counted in the footer. */
export function runSeats(io: FullScreenIo, seats: DashboardSource[], termType: string, log: (m: string) => void = () => {}): Promise<void> {
  const unsubscribes: (() => void)[] = [];
  const bound = bindScreen(io, termType, {
    draw: () => draw(),
    key: (_ch, name) => (name === 'q' ? bound.finish() : undefined),
    stop: () => unsubscribes.forEach((u) => u()),
    log,
  });
  const { screen } = bound;
  const header = blessed.box({ parent: screen, top: 0, left: 0, height: 1, width: '100%', style: { fg: 'black', bg: 'cyan' } });
  const footer = blessed.box({ parent: screen, bottom: 0, left: 0, height: 1, width: '100%' });
  const boxes = seats.map((s) => blessed.box({ parent: screen, label: ` ${blessed.escape(s.title)} `, tags: true, wrap: false, border: { type: 'line' }, style: { border: { fg: 'cyan' } } }));
  const last: (LabEvent | null)[] = seats.map((s) => s.recentEvents(1)[0] ?? null);

  const draw = () => {
    const W = screen.width as number;
    const H = screen.height as number;
    const perRow = Math.max(1, Math.min(seats.length, Math.floor(W / SEAT_W)));
    const w = Math.floor(W / perRow);
    const rows = Math.ceil(seats.length / perRow);
    const h = Math.max(SEAT_H, Math.floor((H - 2) / rows));
    let hidden = 0;
    seats.forEach((s, i) => {
      const top = 1 + Math.floor(i / perRow) * h;
      if (top + h > H - 1) {
        boxes[i].hide();
        hidden++;
        return;
      }
      boxes[i].show();
      Object.assign(boxes[i], { top, left: (i % perRow) * w, width: w, height: h });
      boxes[i].setContent(seatLines(s, last[i], w - 2).join('\n'));
    });
    header.setContent(fit(` ucmsim dashboard  ${seats.length} seats`, W));
    footer.setContent(fit(` q quit${hidden ? `  (${hidden} seats do not fit: enlarge the window)` : ''}`, W));
  };

  seats.forEach((s, i) => {
    unsubscribes.push(s.subscribe((e) => {
      last[i] = e;
      bound.request();
    }));
  });
  return bound.done;
}
