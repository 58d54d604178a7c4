// utils service list|start|stop|restart|activate|deactivate <service> (and the security guide's
// spellings `active`/`deactive`), with ServM's polling lines.
import { CliError, type CommandSpec, type CommandContext } from '../src/cli/command';
import type { ServiceAction } from '../src/cluster/services';
import { serviceListLine } from '../src/cluster/services';

const RESTART_WARNING =
  " Don't press Ctrl-c while the service is getting RESTARTED.If Service has not Restarted Properly, execute the same Command Again";
const SERVM_RUNNING = 'Service Manager is running';
/** simulated time between two ServM status polls */
const POLL_MS = 1000;

function serviceNames(ctx: { cluster: CommandContext['cluster']; node: string }): string[] {
  return ctx.cluster.services.list(ctx.node).map((s) => s.def.name);
}

const serviceArg = {
  name: 'service-name',
  describe: 'the service, e.g. Cisco Tftp (see utils service list)',
  required: true,
  rest: true,
  choices: serviceNames,
};

async function poll(ctx: CommandContext, name: string, state: string): Promise<void> {
  for (let i = 0; i < 2; i++) {
    ctx.line(`${name}[${state}]  `);
    await ctx.sleep(POLL_MS);
  }
}

async function control(ctx: CommandContext, typed: string, action: ServiceAction): Promise<void> {
  const found = ctx.cluster.services.find(ctx.session.node, typed);
  if (!found) {
    throw new CliError([`Invalid service name: ${typed}`, 'Run "utils service list" to see the services of this node.']);
  }
  const name = found.def.name;
  if (action === 'restart') ctx.line(RESTART_WARNING);
  ctx.line(SERVM_RUNNING);
  const plan = ctx.cluster.services.plan(ctx.session.node, name, action);
  if (plan.outcome === 'refused') throw new CliError([`${name}[${found.state.state}]  ${plan.reason}`]);
  if (plan.outcome === 'unchanged') {
    ctx.line(`${name}[${found.state.state}]  ${plan.reason}`);
    return;
  }
  if (plan.stopping) await poll(ctx, name, 'STOPPING');
  if (plan.starting) await poll(ctx, name, 'STARTING');
  // The change lands only now, so Ctrl-C during the polling above leaves the service as it was.
  const applied = ctx.cluster.services.apply(ctx.actor, name, action);
  if (applied.outcome !== 'change') {
    // Another session changed the service while this one polled: report the state it is in now.
    const now = ctx.cluster.services.find(ctx.session.node, name)!.state.state;
    if (applied.outcome === 'refused') throw new CliError([`${name}[${now}]  ${applied.reason}`]);
    ctx.line(`${name}[${now}]  ${applied.reason}`);
    return;
  }
  for (let i = 0; i < 2; i++) ctx.line(`${name}[${applied.next.state}]  `);
  if (name === 'Entropy Monitoring Daemon' && (action === 'activate' || action === 'deactivate')) {
    ctx.line(action === 'activate' ? 'Entropy kernel module loaded' : 'Entropy kernel module unloaded');
  }
}

function controlCommand(action: ServiceAction, word: string, description: string, hidden = false): CommandSpec {
  return {
    path: `utils service ${word}`,
    args: [serviceArg],
    privilege: 1,
    hidden,
    description: [description],
    example: [`utils service ${word} Cisco Tftp`],
    run: (ctx, args) => control(ctx, args['service-name'], action),
  };
}

export const serviceCommands: CommandSpec[] = [
  {
    path: 'utils service list',
    privilege: 0,
    description: ['This command retrieves a list of all services and their status.'],
    async run(ctx) {
      const all = ctx.cluster.services.list(ctx.session.node);
      ctx.line('Requesting service status, please wait...');
      for (const s of all.filter((x) => x.def.group === 'platform')) ctx.line(serviceListLine(s.def, s.state));
      ctx.lines([SERVM_RUNNING, 'Getting list of all services', '>> Return code = 0']);
      for (const s of all.filter((x) => x.def.group !== 'platform')) ctx.line(serviceListLine(s.def, s.state));
    },
  },
  controlCommand('start', 'start', 'This command starts a service.'),
  controlCommand('stop', 'stop', 'This command stops a service.'),
  controlCommand('restart', 'restart', 'This command restarts a service.'),
  controlCommand('activate', 'activate', 'This command activates a service and starts it (for the Entropy Monitoring Daemon it loads the kernel module).'),
  controlCommand('deactivate', 'deactivate', 'This command stops a service and deactivates it (for the Entropy Monitoring Daemon it unloads the kernel module).'),
  controlCommand('activate', 'active', 'Same as utils service activate.', true),
  controlCommand('deactivate', 'deactive', 'Same as utils service deactivate.', true),
];
