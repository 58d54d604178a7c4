// Distinguished names the way CUCM writes and prints them.
import { x509 } from './x509';
import type { DistinguishedName } from './certificates';

// CUCM's Java stack encodes the RDNs in the reverse of the order it prints them (C first in DER, CN first in
// `Subject Name:`), with C as PrintableString and the rest as UTF8String.
const DISPLAY_ORDER = ['CN', 'OU', 'O', 'L', 'ST', 'C'] as const;

// Keywords Java uses when printing a name; @peculiar/x509 reports these attributes under its own short names.
const JAVA_KEYWORD: Record<string, string> = {
  CN: 'CN', OU: 'OU', O: 'O', L: 'L', ST: 'ST', C: 'C', DC: 'DC', T: 'T',
  E: 'EMAILADDRESS', G: 'GIVENNAME', I: 'INITIALS', SN: 'SURNAME',
  '2.5.4.5': 'SERIALNUMBER', '2.5.4.9': 'STREET', '0.9.2342.19200300.100.1.1': 'UID',
};

export function toX509Name(dn: DistinguishedName): x509.Name {
  const rdns: x509.JsonNameParams = [];
  for (const key of [...DISPLAY_ORDER].reverse()) {
    const value = dn[key];
    if (value === undefined || value === '') continue;
    rdns.push({ [key]: [key === 'C' ? { printableString: value } : { utf8String: value }] });
  }
  return new x509.Name(rdns);
}

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;])/g, '\\$1');
}

// Java X500Name.toString(): RDNs from last to first, "KEY=value" joined by ", ".
export function nameText(name: x509.Name): string {
  return name
    .toJSON()
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((v) => `${JAVA_KEYWORD[type] ?? `OID.${type}`}=${escapeValue(v)}`))
        .join(' + '),
    )
    .join(', ');
}

// The first value of each of the six attributes CUCM uses; CN is '' when absent.
export function nameFields(name: x509.Name): DistinguishedName {
  const dn: DistinguishedName = { CN: name.getField('CN')[0] ?? '' };
  for (const key of DISPLAY_ORDER.slice(1)) {
    const value = name.getField(key)[0];
    if (value !== undefined) dn[key as Exclude<typeof key, 'CN'>] = value;
  }
  return dn;
}
