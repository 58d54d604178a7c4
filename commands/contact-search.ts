// utils contactsearchauthentication status|enable|disable (per node; phones see it after a reset).
import type { CommandSpec } from '../src/cli/command';

export const contactSearchCommands: CommandSpec[] = [
  {
    path: 'utils contactsearchauthentication status',
    privilege: 0,
    description: ['This command shows whether the system is operating in contact search authentication enable mode', 'or contact search authentication disable mode.'],
    async run(ctx) {
      ctx.line(`Security for contact search is ${ctx.cluster.settings.contactSearchAuth(ctx.session.node) ? 'enabled' : 'disabled'}`);
    },
  },
  {
    path: 'utils contactsearchauthentication enable',
    privilege: 4,
    description: ['This command enables the secure contact search authentication mode. After this mode is enabled,', 'reset the phone for the changes to take effect.'],
    async run(ctx) {
      ctx.cluster.settings.setContactSearchAuth(ctx.actor, true);
      ctx.lines(['Contact search authentication is enabled. Please reset the phones for the change to take effect.', `The UDS port of this node is now ${ctx.cluster.settings.udsPort(ctx.session.node)}.`]);
    },
  },
  {
    path: 'utils contactsearchauthentication disable',
    privilege: 4,
    description: ['This command disables the secure contact search authentication mode. After this mode is disabled,', 'you need to reset the phone for the changes to take effect.'],
    async run(ctx) {
      ctx.cluster.settings.setContactSearchAuth(ctx.actor, false);
      const port = ctx.cluster.settings.udsPort(ctx.session.node);
      ctx.line('Contact search authentication is disabled. Please reset the phones for the change to take effect.');
      if (port !== 8443) ctx.line(`The UDS port stays ${port}: set it back to 8443 in the Secure Contact Search URL enterprise parameter.`);
    },
  },
];
