// Dates as the CLI prints them. Java's Date.toString() ("EEE MMM dd HH:mm:ss zzz yyyy"), which is what the CUCM CLI
// shows (e.g. `Sun Jul 08 13:05:19 BST 2018`).

// ICU names a zone only in the locales of its region (BST and CET in en-GB, IST in en-IN, AEDT in en-AU,
// SAST in en-ZA, SGT in en-SG, HKT in en-HK); before falling back to an offset, try those, then a few
// abbreviations Java has and no English locale of ICU gives.
const LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'en-ZA', 'en-SG', 'en-HK'];
const JAVA_NAMES: Record<string, string> = {
  'Asia/Tokyo': 'JST',
  'Asia/Seoul': 'KST',
  'Asia/Shanghai': 'CST',
  'Europe/Moscow': 'MSK',
  'America/Sao_Paulo': 'BRT',
};

function zoneName(d: Date, locale: string, timeZone: string, style: 'short' | 'longOffset'): string {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }).formatToParts(d);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
}

function zoneAbbreviation(d: Date, timeZone: string): string {
  for (const locale of LOCALES) {
    const name = zoneName(d, locale, timeZone, 'short');
    if (!/^GMT[+-]/.test(name)) return name;
  }
  // Java prints a zone it cannot name as a custom ID, which is ICU's long offset: GMT+05:45.
  return JAVA_NAMES[timeZone] ?? zoneName(d, 'en-US', timeZone, 'longOffset');
}

/** The fields of a date in a time zone, English names, 24-hour clock: weekday, month, day, year, hour, minute, second. */
export function dateParts(d: Date, timeZone: string, day: 'numeric' | '2-digit' = '2-digit'): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone, weekday: 'short', month: 'short', day, year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
  return Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
}

export function javaDate(d: Date, timeZone: string): string {
  const p = dateParts(d, timeZone);
  return `${p.weekday} ${p.month} ${p.day} ${p.hour}:${p.minute}:${p.second} ${zoneAbbreviation(d, timeZone)} ${p.year}`;
}
