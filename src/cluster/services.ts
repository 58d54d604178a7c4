// Service control rules (pure): what start/stop/restart/activate/deactivate do to one service.
import type { ServiceDefinition } from './config';

export type ServiceAction = 'start' | 'stop' | 'restart' | 'activate' | 'deactivate';
export type RunState = 'STARTED' | 'STOPPED';

export interface ServiceState {
  activated: boolean;
  state: RunState;
  /** text after the brackets in `utils service list` */
  reason: '' | 'Service Not Activated' | 'Commanded Out of Service';
}

export type ServicePlan =
  | { outcome: 'change'; next: ServiceState; stopping: boolean; starting: boolean }
  | { outcome: 'unchanged'; reason: string }
  | { outcome: 'refused'; reason: string };

export const NOT_ACTIVATED = 'Service Not Activated';
export const OUT_OF_SERVICE = 'Commanded Out of Service';

/** Services whose loss would cut the admin off from the node. */
const PROTECTED = new Set(['System SSH', 'Service Manager']);

export function planServiceAction(def: ServiceDefinition, cur: ServiceState, action: ServiceAction): ServicePlan {
  const started: ServiceState = { activated: true, state: 'STARTED', reason: '' };
  switch (action) {
    case 'start':
      if (!cur.activated) return { outcome: 'refused', reason: NOT_ACTIVATED };
      if (cur.state === 'STARTED') return { outcome: 'unchanged', reason: 'Component already started' };
      return { outcome: 'change', next: started, stopping: false, starting: true };
    case 'stop':
      if (!cur.activated) return { outcome: 'refused', reason: NOT_ACTIVATED };
      if (PROTECTED.has(def.name)) return { outcome: 'refused', reason: 'Component cannot be stopped from the CLI' };
      if (cur.state === 'STOPPED') return { outcome: 'unchanged', reason: 'Component already stopped' };
      return { outcome: 'change', next: { activated: true, state: 'STOPPED', reason: OUT_OF_SERVICE }, stopping: true, starting: false };
    case 'restart':
      if (!cur.activated) return { outcome: 'refused', reason: NOT_ACTIVATED };
      return { outcome: 'change', next: started, stopping: cur.state === 'STARTED', starting: true };
    case 'activate':
      if (!def.activatable) return { outcome: 'refused', reason: 'Component is not a feature service and cannot be activated' };
      if (cur.activated) return { outcome: 'unchanged', reason: 'Component already activated' };
      return { outcome: 'change', next: started, stopping: false, starting: true };
    case 'deactivate':
      if (!def.activatable) return { outcome: 'refused', reason: 'Component is not a feature service and cannot be deactivated' };
      if (!cur.activated) return { outcome: 'unchanged', reason: 'Component already deactivated' };
      return { outcome: 'change', next: { activated: false, state: 'STOPPED', reason: NOT_ACTIVATED }, stopping: cur.state === 'STARTED', starting: false };
  }
}

/** One line of `utils service list`: platform services have a space before the bracket. */
export function serviceListLine(def: ServiceDefinition, s: ServiceState): string {
  const sep = def.group === 'platform' ? ' ' : '';
  return `${def.name}${sep}[${s.state}]${s.reason ? `  ${s.reason}` : ''}`;
}
