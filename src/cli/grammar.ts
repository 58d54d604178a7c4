// The command grammar: a tree of keywords built from the command specs, resolving typed lines
// (unambiguous abbreviations accepted), Tab completion, `?` and `help`.
import type { CommandSpec, CompletionContext, Privilege } from './command';
import type { CompletionResult } from './editor';

interface Node {
  word: string;
  children: Node[];
  spec?: CommandSpec;
  /** lowest privilege of any command below, so menus hide from users who can run nothing there */
  privilege: number;
  hidden: boolean;
}

export type Resolution =
  | { kind: 'empty' }
  | { kind: 'command'; spec: CommandSpec; args: Record<string, string> }
  | { kind: 'error'; lines: string[] };

export const NO_VALID_COMMAND = 'No valid command entered';
export const INCOMPLETE_COMMAND = 'Incomplete command entered';
export const DASH_COMMAND = 'Invalid command, a dash character must be preceded by a valid command';

interface Token {
  text: string;
  start: number;
}

function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push({ text: m[0], start: m.index });
  return out;
}

function commonPrefix(words: string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.toLowerCase().startsWith(p.toLowerCase())) p = p.slice(0, -1);
  return p;
}

export class Grammar {
  private readonly root: Node = { word: '', children: [], privilege: 0, hidden: false };

  constructor(specs: CommandSpec[]) {
    for (const spec of specs) this.add(spec);
  }

  private add(spec: CommandSpec): void {
    let node = this.root;
    node.privilege = Math.min(node.privilege, spec.privilege);
    for (const word of spec.path.split(' ')) {
      let child = node.children.find((c) => c.word === word);
      if (!child) {
        child = { word, children: [], privilege: spec.privilege, hidden: !!spec.hidden };
        node.children.push(child);
      }
      child.privilege = Math.min(child.privilege, spec.privilege);
      node = child;
    }
    if (node.spec) throw new Error(`duplicate command ${spec.path}`);
    node.spec = spec;
  }

  /** Children the user may see, in registration order. */
  private visible(node: Node, privilege: Privilege): Node[] {
    return node.children.filter((c) => c.privilege <= privilege && !c.hidden);
  }

  /** Exact words first (hidden aliases included); abbreviations only of listed words. */
  private match(node: Node, typed: string): Node[] {
    const t = typed.toLowerCase();
    const exact = node.children.filter((c) => c.word.toLowerCase() === t);
    return exact.length ? exact : node.children.filter((c) => !c.hidden && c.word.toLowerCase().startsWith(t));
  }

  resolve(line: string, privilege: Privilege): Resolution {
    const tokens = tokenize(line);
    if (tokens.length === 0) return { kind: 'empty' };
    let node = this.root;
    let i = 0;
    for (; i < tokens.length && !node.spec; i++) {
      const found = this.match(node, tokens[i].text);
      if (found.length !== 1) {
        if (node === this.root && tokens.some((t) => t.text.startsWith('-'))) return { kind: 'error', lines: [DASH_COMMAND] };
        return { kind: 'error', lines: [NO_VALID_COMMAND] };
      }
      if (found[0].privilege > privilege) return { kind: 'error', lines: [INCOMPLETE_COMMAND] };
      node = found[0];
    }
    const spec = node.spec;
    if (!spec) return { kind: 'error', lines: [INCOMPLETE_COMMAND] };
    if (spec.privilege > privilege) return { kind: 'error', lines: [INCOMPLETE_COMMAND] };
    const args: Record<string, string> = {};
    for (const a of spec.args ?? []) {
      if (i >= tokens.length) {
        if (a.required) return { kind: 'error', lines: [INCOMPLETE_COMMAND] };
        break;
      }
      if (a.rest) {
        args[a.name] = line.slice(tokens[i].start).trim();
        i = tokens.length;
      } else {
        args[a.name] = tokens[i++].text;
      }
    }
    if (i < tokens.length) return { kind: 'error', lines: [NO_VALID_COMMAND] };
    return { kind: 'command', spec, args };
  }

  /** Walks the complete words before the cursor; returns where completion continues. */
  private walk(line: string): { node: Node; partial: string; argText: string | null } | null {
    const tokens = tokenize(line);
    const endsInSpace = line.length === 0 || /\s$/.test(line);
    const whole = endsInSpace ? tokens : tokens.slice(0, -1);
    const partial = endsInSpace ? '' : tokens[tokens.length - 1].text;
    let node = this.root;
    for (let i = 0; i < whole.length; i++) {
      if (node.spec) return { node, partial, argText: line.slice(whole[i].start) };
      const found = this.match(node, whole[i].text);
      if (found.length !== 1) return null;
      node = found[0];
    }
    // A complete command followed by a space: what comes next is its arguments.
    if (node.spec && node.children.length === 0 && whole.length > 0 && endsInSpace) return { node, partial, argText: '' };
    return { node, partial, argText: null };
  }

  private listing(unsorted: string[], cols: number): string[] {
    // Alphabetical, with the simulator's own `sim` word after the platform commands.
    const rank = (w: string) => (w.replace('*', '') === 'sim' ? 1 : 0);
    const words = [...unsorted].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const width = Math.max(...words.map((w) => w.length)) + 2;
    const perLine = Math.max(1, Math.floor(cols / width));
    const lines: string[] = [];
    for (let i = 0; i < words.length; i += perLine) {
      lines.push(words.slice(i, i + perLine).map((w, j, a) => (j < a.length - 1 ? w.padEnd(width) : w)).join(''));
    }
    return lines;
  }

  private label(n: Node): string {
    return n.children.length ? `${n.word}*` : n.word;
  }

  complete(line: string, privilege: Privilege, ctx: CompletionContext, cols = 80): CompletionResult {
    const w = this.walk(line);
    if (!w) return {};
    const { node, partial, argText } = w;
    if (argText !== null && node.spec) {
      const arg = node.spec.args?.find((a) => a.choices);
      if (!arg?.choices) return { repeat: true };
      const typed = arg.rest ? argText : partial;
      const choices = arg.choices(ctx).filter((c) => c.toLowerCase().startsWith(typed.toLowerCase()));
      if (choices.length === 0) return {};
      if (choices.length === 1) return { insert: choices[0].slice(typed.length) + (arg.rest ? '' : ' ') };
      const lcp = commonPrefix(choices);
      if (lcp.length > typed.length) return { insert: lcp.slice(typed.length) };
      return { listing: this.listing(choices, cols) };
    }
    const kids = this.visible(node, privilege);
    if (partial === '') {
      if (kids.length) return { listing: this.listing(kids.map((k) => this.label(k)), cols) };
      return { repeat: true };
    }
    const cands = kids.filter((k) => k.word.toLowerCase().startsWith(partial.toLowerCase()));
    if (cands.length === 0) return {};
    const exact = cands.find((k) => k.word.toLowerCase() === partial.toLowerCase());
    if (cands.length === 1 || exact) {
      const chosen = cands.length === 1 ? cands[0] : exact!;
      const insert = chosen.word.slice(partial.length) + ' ';
      // A full menu word lists what follows it, as the VOS CLI does.
      if (partial.length === chosen.word.length && chosen.children.length) {
        return { insert, listing: this.listing(this.visible(chosen, privilege).map((k) => this.label(k)), cols) };
      }
      return { insert };
    }
    const lcp = commonPrefix(cands.map((c) => c.word));
    if (lcp.length > partial.length) return { insert: lcp.slice(partial.length) };
    return { listing: this.listing(cands.map((k) => this.label(k)), cols) };
  }

  /** What `?` prints after the echoed `?`: a leaf's syntax, or the words that may follow. */
  help(line: string, privilege: Privilege, cols = 80): string[] {
    const w = this.walk(line);
    if (!w) return ['', NO_VALID_COMMAND];
    const { node, partial, argText } = w;
    if (argText !== null && node.spec) return ['Syntax:', ...this.syntax(node.spec)];
    const kids = this.visible(node, privilege).filter((k) => k.word.toLowerCase().startsWith(partial.toLowerCase()));
    const full = partial ? kids.find((k) => k.word.toLowerCase() === partial.toLowerCase()) : undefined;
    if (full?.spec && !full.children.length) return ['Syntax:', ...this.syntax(full.spec)];
    const shown = full ? this.visible(full, privilege) : kids;
    if (!shown.length) return ['', NO_VALID_COMMAND];
    return ['', ...this.listing(shown.map((k) => this.label(k)), cols)];
  }

  syntax(spec: CommandSpec): string[] {
    const args = spec.args ?? [];
    const head = [spec.path, ...args.map((a) => (a.required ? a.name : `[${a.name}]`))].join(' ');
    const width = Math.max(0, ...args.map((a) => a.name.length)) + 3;
    return [head, ...args.map((a) => `${a.name.padEnd(width)}${(a.required ? 'mandatory' : 'optional').padEnd(12)}${a.describe}`)];
  }

  /** `help <command>` */
  helpText(words: string, privilege: Privilege, cols = 80): string[] | null {
    const tokens = tokenize(words);
    let node = this.root;
    for (const t of tokens) {
      const found = this.match(node, t.text).filter((n) => n.privilege <= privilege);
      if (found.length !== 1) return null;
      node = found[0];
    }
    if (node === this.root) {
      return ['help:', 'Type a command to run it. Press Tab or type ? to see the commands and options', 'available at that point; type help <command> for a description of a command.', '', ...this.listing(this.visible(node, privilege).map((k) => this.label(k)), cols)];
    }
    if (!node.spec) {
      return [`${node.word} help:`, `${node.word} commands:`, '', ...this.listing(this.visible(node, privilege).map((k) => this.label(k)), cols)];
    }
    const spec = node.spec;
    const out = [`${node.word} help:`, ...spec.description];
    if (spec.args?.length) {
      out.push('', 'Syntax:', ...this.syntax(spec));
    }
    if (spec.example?.length) out.push('', 'Example:', ...spec.example);
    return out;
  }
}
