// The hook through which a running training scenario shows its objectives on the dashboard. A scenario
// registers a provider for its lab when it starts and removes it when it ends; the dashboard asks on
// every frame and shows nothing while there is none.
import type { Lab } from '../lab/lab';

export interface Objective {
  text: string;
  done: boolean;
}

export interface ScenarioObjectives {
  /** the scenario's name */
  title: string;
  objectives: Objective[];
}

export type ObjectivesProvider = () => ScenarioObjectives | null;

const providers = new WeakMap<Lab, ObjectivesProvider>();

/** Registers the running scenario of `lab`; returns the function that unregisters it. */
export function provideObjectives(lab: Lab, provider: ObjectivesProvider): () => void {
  providers.set(lab, provider);
  return () => {
    if (providers.get(lab) === provider) providers.delete(lab);
  };
}

/**
 * The objectives of the scenario running on `lab` (a registered provider, else the lab's training
 * exercise), or null. A provider that fails shows nothing.
 */
export function objectivesOf(lab: Lab): ScenarioObjectives | null {
  try {
    const provider = providers.get(lab);
    if (provider) return provider();
    const t = lab.training;
    return t ? { title: t.scenario.title, objectives: t.objectives().map((o) => ({ text: o.text, done: o.met })) } : null;
  } catch {
    return null;
  }
}
