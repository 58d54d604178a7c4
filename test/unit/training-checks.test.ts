// The scenario language: scripts, the check vocabulary and what a scenario file may say.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseScript, fillPlaceholders, ScriptError } from '../../src/training/script';
import { validateCheck, evaluate, matches, CheckError, type Check } from '../../src/training/checks';
import { loadScenario, listScenarios, ScenarioError } from '../../src/training/scenario';
import type { LabEvent } from '../../src/lab/events';
import type { Lab } from '../../src/lab/lab';

const ev = (id: number, kind: string, payload: object, extra: Partial<LabEvent> = {}): LabEvent =>
  ({ id, kind, cluster: 'c', node: 'cucm-pub', user: 'admin', command: 'x', simTime: '2026-01-01T00:00:00.000Z', wallTime: '', payload, ...extra }) as LabEvent;

describe('unit: training scenarios language', () => {
  it('scripts: commands, answers, node switches and comments', () => {
    const steps = parseScript('# a comment\nset cert regen TVS\n? yes\n\n@cucm-sub1\nutils service restart Cisco Tftp\n@cucm-pub\nsim phone reset all\n');
    assert.deepEqual(steps, [
      { command: 'set cert regen TVS', answers: ['yes'] },
      { command: 'utils service restart Cisco Tftp', answers: [], node: 'cucm-sub1' },
      { command: 'sim phone reset all', answers: [], node: 'cucm-pub' },
    ]);
    assert.throws(() => parseScript('? yes'), ScriptError);
    assert.throws(() => parseScript('x'.repeat(1001)), ScriptError);
    assert.equal(fillPlaceholders('? {sftp.port}', { 'sftp.port': '22' }), '? 22');
    assert.throws(() => fillPlaceholders('{nope}', {}), ScriptError);
  });

  it('the check vocabulary rejects unknown checks, event kinds and conditions', () => {
    assert.throws(() => validateCheck({ sql: 'select 1' }, 'x'), CheckError);
    assert.throws(() => validateCheck({ happened: { kind: 'no-such-kind' } }, 'x'), /unknown event kind/);
    assert.throws(() => validateCheck({ phones: { teleported: true } }, 'x'), /unknown phones condition/);
    assert.throws(() => validateCheck({ sequence: [{ kind: 'itl-reset' }] }, 'x'), /two events or more/);
    assert.throws(() => validateCheck({ 'sftp-file': '../etc/passwd' }, 'x'), /file name/);
    let deep: unknown = { happened: { kind: 'itl-reset' } };
    for (let i = 0; i < 10; i++) deep = { not: deep };
    assert.throws(() => validateCheck(deep, 'x'), /nested too deep/);
    validateCheck({ all: [{ happened: { kind: 'itl-reset' } }, { 'mixed-mode': true }] }, 'x');
  });

  it('event patterns, sequences and between over the events since the start', () => {
    const events = [
      ev(1, 'certificate-regenerated', { unit: 'TVS' }),
      ev(2, 'phones-booted', { fleet: { rebooting: 3 } }),
      ev(3, 'certificate-regenerated', { unit: 'CallManager' }),
      ev(4, 'phones-booted', { fleet: { rebooting: 0 } }),
    ];
    const ctx = { lab: {} as Lab, events, sftpRoot: '/nonexistent' };
    const run = (c: Check) => evaluate(ctx, c).met;
    assert.ok(matches(events[3], { kind: 'phones-booted', where: { 'fleet.rebooting': 0 } }));
    assert.ok(matches(events[0], { kind: 'certificate-regenerated', where: { node: 'CUCM-PUB', unit: 'tvs' } }));
    assert.equal(run({ happened: { kind: 'itl-reset' } }), false);
    assert.equal(run({ never: { kind: 'itl-reset' } }), true);
    const tvs = { kind: 'certificate-regenerated', where: { unit: 'TVS' } };
    const cm = { kind: 'certificate-regenerated', where: { unit: 'CallManager' } };
    const settled = { kind: 'phones-booted', where: { 'fleet.rebooting': 0 } };
    assert.equal(run({ sequence: [tvs, settled, cm] }), false, 'CallManager came before the phones settled');
    assert.equal(run({ sequence: [tvs, cm, settled] }), true);
    const early = evaluate(ctx, { between: { from: tvs, to: cm, without: settled } });
    assert.equal(early.met, true);
    assert.deepEqual(early.events.map((e) => e.id), [1, 3], 'the evidence is the two events');
    assert.equal(run({ not: { between: { from: tvs, to: cm, without: settled } } }), false);
    assert.equal(run({ any: [{ happened: { kind: 'itl-reset' } }, { happened: tvs }] }), true);
  });

  it('a scenario file must name a lab, objectives and only known checks', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-scenario-unit-'));
    try {
      const file = path.join(dir, 'bad.yaml');
      const base = 'name: bad\ntitle: t\nlab: training-14\nbriefing: b\n';
      fs.writeFileSync(file, base + 'objectives:\n  - { id: a, text: t, check: { sql: "drop table phones" } }\n');
      assert.throws(() => loadScenario(file), ScenarioError);
      fs.writeFileSync(file, base.replace('training-14', 'nowhere') + 'objectives:\n  - { id: a, text: t, check: { mixed-mode: true } }\n');
      assert.throws(() => loadScenario(file), /no lab file nowhere/);
      fs.writeFileSync(file, base + 'objectives: []\n');
      assert.throws(() => loadScenario(file), /needs objectives/);
      fs.writeFileSync(file, base + 'objectives:\n  - { id: a, text: t, check: { mixed-mode: true } }\n  - { id: a, text: u, check: { mixed-mode: false } }\n');
      assert.throws(() => loadScenario(file), /id a twice/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(listScenarios().length >= 12);
  });
});
