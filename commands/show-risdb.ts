// show risdb query phone: the RIS phone table of this node (phones registered, or last seen, here).
import type { CommandSpec } from '../src/cli/command';
import { phoneModels } from '../src/phones/models';

const COLUMNS = [
  'DeviceName', 'Descr', 'Ipaddr', 'Ipv6addr', 'Ipv4Attr', 'Ipv6Attr', 'MACaddr', 'RegStatus', 'PhoneProtocol', 'DeviceModel',
  'HTTPsupport', '#regAttempts', 'prodId', 'username', 'seq#', 'RegStatusChg TimeStamp', 'StatusReason', 'LoadId',
  'ActiveLoadId', 'InactiveLoadId', 'reqLoadId', 'LastActTimeStamp', 'DownloadStatus', 'DownloadFailReason', 'DownloadServer', 'PerfMonObject',
];

export const risdbCommands: CommandSpec[] = [
  {
    path: 'show risdb query phone',
    privilege: 0,
    description: ['query displays the contents of the RIS tables: here the phone table of this node.'],
    async run(ctx) {
      const node = ctx.session.node;
      const phones = ctx.fleet.phonesOfNode(node);
      ctx.lines(['----------- Phone Information -----------', '', '', '', '', COLUMNS.join(', ')]);
      for (const p of phones) {
        // A model that left etc/phone-models.yaml still shows, without its type number or load.
        const m = phoneModels().get(p.model) ?? { enum: 0, load: '', protocol: 'SIP' };
        const epoch = Math.floor(Date.parse(p.reg_changed_at) / 1000);
        const ip = `10.20.${Math.floor(p.position / 250)}.${(p.position % 250) + 2}`;
        const load = m.load;
        ctx.line([
          p.name, p.description, ip, '', '1', '0', p.mac, p.reg_state, m.protocol, String(m.enum),
          'yes', '1', '0', p.description.split(' ')[0], String(p.position + 1), String(epoch), '0', load,
          load, '', '', String(epoch), '', '', p.reg_state === 'reg' ? node : '', '2',
        ].join(', '));
      }
      ctx.lines(['', `Total count: ${phones.length}`]);
    },
  },
];
