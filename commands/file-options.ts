// The options `file list` and `file get` take after the file-spec, as the CLI reference lists them:
// list: page|detail|reverse, date|size; get: reltime|abstime, match, recurs, compress.
import { CliError } from '../src/cli/command';

export interface ListOptions {
  page: boolean;
  detail: boolean;
  reverse: boolean;
  sort: 'name' | 'date' | 'size';
}

export function parseListOptions(text: string | undefined): ListOptions {
  const o: ListOptions = { page: false, detail: false, reverse: false, sort: 'name' };
  for (const w of (text ?? '').split(/\s+/).filter(Boolean).slice(0, 10)) {
    const word = w.toLowerCase();
    if (word === 'page' || word === 'detail' || word === 'reverse') o[word] = true;
    else if (word === 'date' || word === 'size') {
      if (o.sort !== 'name' && o.sort !== word) throw new CliError(['Only one of date and size may be given.']);
      o.sort = word;
    } else throw new CliError([`Invalid option: ${w}`]);
  }
  return o;
}

export interface Listed {
  name: string;
  dir: boolean;
  size: number;
  modified: string;
}

/** Sorted as asked: by name (directories first), date or size; then reversed if asked. */
export function sortListing<T extends Listed>(items: T[], o: ListOptions): T[] {
  const out = [...items];
  if (o.sort === 'date') out.sort((a, b) => a.modified.localeCompare(b.modified) || a.name.localeCompare(b.name));
  else if (o.sort === 'size') out.sort((a, b) => a.size - b.size || a.name.localeCompare(b.name));
  return o.reverse ? out.reverse() : out;
}

export interface GetOptions {
  /** only files modified at or after this time (ms) */
  from: number | null;
  /** only files modified at or before this time (ms) */
  to: number | null;
  /** only files whose name contains this text */
  match: string | null;
  recurs: boolean;
  compress: boolean;
}

const REL_UNITS: Record<string, number> = { months: 30 * 86400_000, weeks: 7 * 86400_000, days: 86400_000, hours: 3600_000, minutes: 60_000 };

/** "hh:mm:MM/DD/YY" in UTC, as the CLI reference writes abstime bounds. */
function absTime(text: string | undefined): number {
  const m = /^(\d{1,2}):(\d{2}):(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(text ?? '');
  if (!m) throw new CliError([`Invalid time: ${text ?? ''}. Use hh:mm:MM/DD/YY`]);
  const [h, mi, mo, d, y] = m.slice(1).map(Number);
  if (h > 23 || mi > 59 || mo < 1 || mo > 12 || d < 1 || d > 31) throw new CliError([`Invalid time: ${text}`]);
  return Date.UTC(2000 + y, mo - 1, d, h, mi);
}

export function parseGetOptions(text: string | undefined, now: number): GetOptions {
  const o: GetOptions = { from: null, to: null, match: null, recurs: false, compress: false };
  const words = (text ?? '').split(/\s+/).filter(Boolean).slice(0, 12);
  for (let i = 0; i < words.length; i++) {
    const w = words[i].toLowerCase();
    if (w === 'recurs') o.recurs = true;
    else if (w === 'compress') o.compress = true;
    else if (w === 'match') {
      if (!words[i + 1]) throw new CliError(['match needs a pattern.']);
      o.match = words[++i].slice(0, 100);
    } else if (w === 'reltime') {
      const unit = words[i + 1]?.toLowerCase() ?? '';
      const n = Number(words[i + 2]);
      if (!(unit in REL_UNITS) || !Number.isInteger(n) || n < 1 || n > 10000) throw new CliError(['reltime needs a unit (months, weeks, days, hours or minutes) and a number from 1 to 10000.']);
      o.from = now - n * REL_UNITS[unit];
      i += 2;
    } else if (w === 'abstime') {
      o.from = absTime(words[i + 1]);
      o.to = absTime(words[i + 2]);
      if (o.to < o.from) throw new CliError(['The end of the abstime range comes before its start.']);
      i += 2;
    } else throw new CliError([`Invalid option: ${words[i]}`]);
  }
  return o;
}

export function wanted(o: GetOptions, name: string, modified: string): boolean {
  const t = Date.parse(modified);
  if (o.from !== null && t < o.from) return false;
  if (o.to !== null && t > o.to) return false;
  return o.match === null || name.includes(o.match);
}

export const LIST_OPTIONS_ARG = { name: 'options', describe: 'page|detail|reverse|[date|size]', required: false, rest: true };
export const GET_OPTIONS_ARG = { name: 'options', describe: 'reltime|abstime|match|recurs|compress', required: false, rest: true };
