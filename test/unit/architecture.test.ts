// The layers of docs/architecture.md, held by the imports themselves: a module that reaches across a
// forbidden arrow fails here. Also the event catalogue: every kind the code records is declared.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_CATALOGUE, EventLog, UndeclaredEventKind } from '../../src/lab/events';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every .ts file below `dir` of the project. */
function sources(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? sources(rel) : e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The project folders a file imports from ('src/store', 'commands', ...), type-only imports included. */
function importedLayers(file: string): { spec: string; layer: string }[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/g), ...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]);
  return specs
    .filter((s) => s.startsWith('.'))
    .map((spec) => {
      const target = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec)).split(path.sep);
      return { spec, layer: target[0] === 'src' ? `src/${target[1]}` : target[0] };
    });
}

/** from-layer → layers it must not import */
const FORBIDDEN: Record<string, string[]> = {
  commands: ['src/store', 'src/net'],
  'src/cluster': ['src/cli', 'commands'],
  'src/tlv': ['src/cluster', 'src/lab', 'src/phones'],
  'src/pki': ['src/cluster', 'src/lab', 'src/phones'],
  'src/cli': ['src/store'],
  'src/store': ['src/cli'],
  'src/phones': ['src/store'],
};

function violations(): string[] {
  const found: string[] = [];
  for (const file of [...sources('src'), ...sources('commands')]) {
    const parts = file.split(path.sep);
    const from = parts[0] === 'src' ? `src/${parts[1]}` : parts[0];
    for (const { spec, layer } of importedLayers(file)) {
      if (FORBIDDEN[from]?.includes(layer)) found.push(`${file} imports ${spec} (${from} → ${layer})`);
    }
  }
  return found;
}

describe('architecture: forbidden imports', () => {
  it('no module imports across a forbidden arrow', () => {
    assert.deepEqual(violations(), []);
  });

  it('the guard sees imports, type-only ones too (a planted violation is caught)', () => {
    const planted = path.join(ROOT, 'commands', '__planted.ts');
    fs.writeFileSync(planted, "import type { Store } from '../src/store/store';\nexport type X = Store;\n");
    try {
      assert.deepEqual(violations(), ['commands/__planted.ts imports ../src/store/store (commands → src/store)']);
    } finally {
      fs.rmSync(planted);
    }
  });
});

describe('event catalogue', () => {
  it('every kind the code records is declared in src/lab/events.ts', () => {
    const recorded = new Set<string>();
    for (const file of [...sources('src'), ...sources('commands')]) {
      const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\brecord\([^,()]*(?:\([^()]*\))?[^,()]*,\s*['`]([a-z-]+)(\$\{[^}]+\})?['`]/g)) {
        if (m[2]) for (const action of ['start', 'stop', 'restart', 'activate', 'deactivate']) recorded.add(`${m[1]}${action}`);
        else recorded.add(m[1]);
      }
      for (const m of text.matchAll(/kind: '([a-z-]+)'/g)) if (file.startsWith('src/cluster/init')) recorded.add(m[1]);
    }
    assert.ok(recorded.size > 20, `found ${recorded.size} recorded kinds`);
    const undeclared = [...recorded].filter((k) => !(k in EVENT_CATALOGUE));
    assert.deepEqual(undeclared, []);
  });

  it('recording an undeclared kind fails, and writes nothing', () => {
    const rows: unknown[] = [];
    const log = new EventLog({ append: (r) => rows.push(r), afterCommit: (f) => f(), now: () => new Date() });
    assert.throws(() => log.record('c', null, 'made-up-kind' as never, {} as never), UndeclaredEventKind);
    assert.equal(rows.length, 0);
    log.record('c', null, 'cluster-online', {});
    assert.equal(rows.length, 1);
  });

  it('subscribers get committed events live, and a failing subscriber hurts nobody', () => {
    const seen: string[] = [];
    const log = new EventLog({ append: () => 1, afterCommit: (f) => f(), now: () => new Date() }, () => undefined);
    log.subscribe(() => {
      throw new Error('a broken dashboard');
    });
    const off = log.subscribe((e) => seen.push(e.kind));
    log.record('c', null, 'cluster-offline', {});
    off();
    log.record('c', null, 'cluster-online', {});
    assert.deepEqual(seen, ['cluster-offline']);
  });
});
