// A training scenario: a file under etc/scenarios/ (see docs/training.md for the format). Loading
// checks everything a scenario says before any lab is built: its lab file, its scripts, and that its
// objectives and penalties use only the check vocabulary.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ETC_DIR } from '../cluster/config';
import { validateCheck, type Check } from './checks';
import { parseScript, type ScriptStep } from './script';

export const SCENARIO_DIR = path.join(ETC_DIR, 'scenarios');

export interface Objective {
  id: string;
  text: string;
  points: number;
  check: Check;
}

export interface Penalty {
  id: string;
  text: string;
  points: number;
  check: Check;
}

export interface Scenario {
  name: string;
  title: string;
  version: string;
  /** the lab file, a path */
  lab: string;
  /** command paths the scenario needs that may not exist yet (e.g. sim bulk-certificate) */
  requires: string[];
  setup: ScriptStep[];
  briefing: string;
  objectives: Objective[];
  penalties: Penalty[];
  hints: string[];
  /** wall minutes */
  timeBudgetMinutes: number;
  /** points a hint costs */
  hintCost: number;
  /** where the file is; model solution and mistake scripts sit beside it */
  file: string;
}

export class ScenarioError extends Error {}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_FILE = 256 * 1024;

function str(v: unknown, what: string, file: string): string {
  if (typeof v !== 'string' || !v.trim()) throw new ScenarioError(`${file}: ${what} must be text`);
  return v.trim();
}

function points(v: unknown, what: string, file: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1000) throw new ScenarioError(`${file}: ${what} must be a whole number from 0 to 1000`);
  return v;
}

function items<T>(v: unknown, what: string, file: string, each: (x: Record<string, unknown>, where: string) => T): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 50) throw new ScenarioError(`${file}: ${what} must be a list of at most 50`);
  const seen = new Set<string>();
  return v.map((x, i) => {
    const where = `${what}[${i}]`;
    if (!x || typeof x !== 'object') throw new ScenarioError(`${file}: ${where} must be a mapping`);
    const r = each(x as Record<string, unknown>, where);
    const id = (r as { id?: string }).id;
    if (id !== undefined) {
      if (seen.has(id)) throw new ScenarioError(`${file}: ${where}: id ${id} twice`);
      seen.add(id);
    }
    return r;
  });
}

export function loadScenario(file: string): Scenario {
  const text = fs.readFileSync(file, 'utf8');
  if (text.length > MAX_FILE) throw new ScenarioError(`${file}: larger than ${MAX_FILE} bytes`);
  const y = YAML.parse(text) as Record<string, unknown>;
  if (!y || typeof y !== 'object') throw new ScenarioError(`${file}: not a scenario`);
  const name = str(y.name, 'name', file);
  if (!NAME.test(name)) throw new ScenarioError(`${file}: name must be lower case letters, digits and dashes`);
  const labName = str(y.lab, 'lab', file);
  const lab = path.resolve(ETC_DIR, labName.includes('/') ? labName : path.join('labs', `${labName}.yaml`));
  if (!fs.existsSync(lab)) throw new ScenarioError(`${file}: no lab file ${labName}`);
  const check = (x: Record<string, unknown>, where: string) => {
    try {
      validateCheck(x.check, where);
    } catch (e) {
      throw new ScenarioError(`${file}: ${(e as Error).message}`);
    }
    return x.check as Check;
  };
  const budget = y['time-budget'] === undefined ? 30 : Number(y['time-budget']);
  if (!Number.isInteger(budget) || budget < 1 || budget > 24 * 60) throw new ScenarioError(`${file}: time-budget is whole minutes from 1 to 1440`);
  const s: Scenario = {
    name,
    title: str(y.title, 'title', file),
    version: String(y.version ?? ''),
    lab,
    requires: Array.isArray(y.requires) ? y.requires.map(String) : [],
    setup: parseScript(typeof y.setup === 'string' ? y.setup : '', `${file} setup`),
    briefing: str(y.briefing, 'briefing', file),
    objectives: items(y.objectives, 'objectives', file, (x, where) => ({ id: str(x.id, `${where}.id`, file), text: str(x.text, `${where}.text`, file), points: points(x.points, `${where}.points`, file, 10), check: check(x, where) })),
    penalties: items(y.penalties, 'penalties', file, (x, where) => ({ id: str(x.id, `${where}.id`, file), text: str(x.text, `${where}.text`, file), points: points(x.points, `${where}.points`, file, 10), check: check(x, where) })),
    hints: Array.isArray(y.hints) ? y.hints.map((h, i) => str(h, `hints[${i}]`, file)) : [],
    timeBudgetMinutes: budget,
    hintCost: points(y['hint-cost'], 'hint-cost', file, 5),
    file,
  };
  if (!s.objectives.length) throw new ScenarioError(`${file}: a scenario needs objectives`);
  return s;
}

/** Every scenario of the directory, by name. */
export function listScenarios(dir = SCENARIO_DIR): Scenario[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => loadScenario(path.join(dir, f)));
}

export function findScenario(name: string, dir = SCENARIO_DIR): Scenario {
  if (!NAME.test(name)) throw new ScenarioError(`no scenario named ${name}`);
  const file = path.join(dir, `${name}.yaml`);
  if (!fs.existsSync(file)) throw new ScenarioError(`no scenario named ${name}; see ucmsim lab list`);
  return loadScenario(file);
}

/** A script kept beside the scenario: NAME.solution.txt (model solution), NAME.mistake.txt. */
export function scenarioScript(s: Scenario, kind: 'solution' | 'mistake'): { steps: ScriptStep[]; penalty?: string; timeScale?: number } | null {
  const file = s.file.replace(/\.yaml$/, `.${kind}.txt`);
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const penalty = /^#\s*penalty:\s*(\S+)/m.exec(text)?.[1];
  // A mistake about not waiting (for reboots the scheduler would complete at once at scale 0) names
  // the time scale a trainee types it at.
  const scale = /^#\s*time-scale:\s*(\S+)/m.exec(text)?.[1];
  const timeScale = scale === undefined ? undefined : Number(scale);
  if (timeScale !== undefined && !(Number.isFinite(timeScale) && timeScale > 0 && timeScale <= 1000)) {
    throw new ScenarioError(`${file}: time-scale must be a number above 0, at most 1000`);
  }
  return { steps: parseScript(text, file), penalty, ...(timeScale !== undefined ? { timeScale } : {}) };
}
