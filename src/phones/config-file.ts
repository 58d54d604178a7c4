// The phone configuration file TFTP serves (SEP<MAC>.cnf.xml), and what a phone reads back from
// the one it accepted. Signed as SEP<MAC>.cnf.xml.sgn with the TFTP node's CallManager key.

/** What the configuration file of a device pool's phones says, besides each device's name and model. */
export interface PoolConfigInput {
  devicePool: string;
  /** CallManager group members, primary first: host name and FQDN */
  callManagers: { name: string; fqdn: string }[];
  /** TVS servers the phone asks (the same nodes) */
  tvs: string[];
  mixedMode: boolean;
  secureContactSearchUrl: string;
  contactSearchAuth: boolean;
  /** the Secured Services URL enterprise parameter */
  secureServicesUrl: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The file of one device pool's phones, built once: only the device's name and model vary. */
export function phoneConfigWriter(c: PoolConfigInput): (deviceName: string, model: string) => string {
  const members = c.callManagers
    .map((m, i) => `<member priority="${i}"><callManager><name>${esc(m.name)}</name><processNodeName>${esc(m.fqdn)}</processNodeName><ports><sipPort>5060</sipPort><securedSipPort>5061</securedSipPort></ports></callManager></member>`)
    .join('');
  const tvs = c.tvs.map((a, i) => `<member priority="${i}"><port>2445</port><address>${esc(a)}</address></member>`).join('');
  const head = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<device xsi:type="axl:XIPPhone" ctiid="1">`,
    '<fullConfig>true</fullConfig>',
    '<deviceProtocol>SIP</deviceProtocol>',
    '<deviceName>',
  ].join('\n');
  const tail = [
    '</model>',
    `<devicePool><name>${esc(c.devicePool)}</name><callManagerGroup><members>${members}</members></callManagerGroup></devicePool>`,
    `<TVS><members>${tvs}</members></TVS>`,
    `<deviceSecurityMode>${c.mixedMode ? 2 : 1}</deviceSecurityMode>`,
    `<secureDirURL>${esc(c.secureContactSearchUrl)}</secureDirURL>`,
    `<secureServicesURL>${esc(c.secureServicesUrl)}</secureServicesURL>`,
    `<contactSearchAuthentication>${c.contactSearchAuth ? 'true' : 'false'}</contactSearchAuthentication>`,
    '</device>',
    '',
  ].join('\n');
  return (deviceName, model) => `${head}${esc(deviceName)}</deviceName>\n<model>${esc(model)}${tail}`;
}

/** What a phone takes from the configuration it accepted. */
export function readPhoneConfig(xml: string): { secureDirUrl: string; secureServicesUrl: string; contactSearchAuth: boolean } {
  const element = (name: string) => (new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '').replace(/&amp;/g, '&');
  return {
    secureDirUrl: element('secureDirURL'),
    secureServicesUrl: element('secureServicesURL'),
    contactSearchAuth: /<contactSearchAuthentication>true</.test(xml),
  };
}

/** The servers a configuration names: its CallManager group (names and FQDNs) and its TVS addresses. */
export function configServers(xml: string): { callManagers: string[]; tvs: string[] } {
  const callManagers: string[] = [];
  for (const m of xml.matchAll(/<callManager><name>([^<]*)<\/name><processNodeName>([^<]*)<\/processNodeName>/g)) callManagers.push(m[1], m[2]);
  const tvsBlock = /<TVS><members>(.*?)<\/members><\/TVS>/s.exec(xml)?.[1] ?? '';
  const tvs = [...tvsBlock.matchAll(/<address>([^<]*)<\/address>/g)].map((m) => m[1]);
  return { callManagers: callManagers.slice(0, 64), tvs: tvs.slice(0, 16) };
}
