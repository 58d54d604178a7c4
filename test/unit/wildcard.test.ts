// The `*` wildcard matcher of CLI file-specs: its meaning (checked against a regex on small inputs,
// where backtracking is harmless) and patterns that would make a `.*` regex run for hours.
import assert from 'node:assert/strict';
import { matchesWildcard, wildcardMatcher } from '../../src/text/wildcard';
import { fileSpecMatcher } from '../../commands/common';

/** The reference meaning: `*` as `.*`, everything else literal, case-insensitive. */
function byRegex(pattern: string, name: string): boolean {
  const body = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'is').test(name);
}

describe('wildcard file-spec matching', function () {
  it('matches names the way the CLI file-spec examples do', function () {
    const names = ['CTLFile.tlv', 'ITLFile.tlv', 'SEP001122334455.cnf.xml', 'SEP001122334455.cnf.xml.sgn', 'ITLRecovery.p12'];
    const pick = (spec: string) => names.filter(fileSpecMatcher(spec));
    assert.deepEqual(pick('*.tlv'), ['CTLFile.tlv', 'ITLFile.tlv']);
    assert.deepEqual(pick('itlfile.TLV'), ['ITLFile.tlv']);
    assert.deepEqual(pick('SEP*.cnf.xml'), ['SEP001122334455.cnf.xml']);
    assert.deepEqual(pick('*'), names);
    assert.deepEqual(pick('**'), names);
    assert.deepEqual(pick('*File*'), ['CTLFile.tlv', 'ITLFile.tlv']);
    assert.deepEqual(pick('ITL*'), ['ITLFile.tlv', 'ITLRecovery.p12']);
    assert.deepEqual(pick('*.sgn*'), ['SEP001122334455.cnf.xml.sgn']);
    assert.deepEqual(pick('ITLFile.tlv*x'), []);
    assert.deepEqual(pick(''), []);
  });

  it('takes regex characters literally', function () {
    assert.equal(matchesWildcard('a.c', 'abc'), false);
    assert.equal(matchesWildcard('a.c', 'a.c'), true);
    assert.equal(matchesWildcard('(a)+[b]?$', '(A)+[B]?$'), true);
    assert.equal(matchesWildcard('a?c', 'abc'), false);
    assert.equal(matchesWildcard('\\*', '\\anything'), true);
  });

  it('does not let the head and the tail share characters', function () {
    assert.equal(matchesWildcard('a*a', 'a'), false);
    assert.equal(matchesWildcard('a*a', 'aa'), true);
    assert.equal(matchesWildcard('ab*bc', 'abc'), false);
    assert.equal(matchesWildcard('ab*b*bc', 'abbc'), false);
    assert.equal(matchesWildcard('ab*b*bc', 'abbbc'), true);
  });

  it('agrees with the regex meaning on every short pattern and name over a small alphabet', function () {
    const alphabet = ['a', 'b', '*'];
    const words = (max: number, letters: string[]): string[] => {
      const out = [''];
      for (let len = 1; len <= max; len++) {
        const prev = out.filter((w) => w.length === len - 1);
        for (const w of prev) for (const c of letters) out.push(w + c);
      }
      return out;
    };
    const patterns = words(5, alphabet);
    const names = words(5, ['a', 'b', 'A']);
    let checked = 0;
    for (const p of patterns) {
      const m = wildcardMatcher(p);
      for (const n of names) {
        assert.equal(m(n), byRegex(p, n), `pattern ${JSON.stringify(p)} on ${JSON.stringify(n)}`);
        checked++;
      }
    }
    assert.ok(checked > 100_000);
  });

  it('answers pathological patterns at once, where a .* regex backtracks for hours', function () {
    // With a regex, 28 stars against a 27-character name is C(54, 27) ≈ 2e15 paths.
    const stars = '*'.repeat(28);
    assert.equal(matchesWildcard(stars + 'x', 'SEP001122334455.cnf.xml.sgn'), false);
    assert.equal(matchesWildcard(stars + 'n', 'SEP001122334455.cnf.xml.sgn'), true);
    const longName = 'a'.repeat(10_000);
    assert.equal(matchesWildcard('*a'.repeat(5000) + 'b', longName), false);
    assert.equal(matchesWildcard('*a'.repeat(5000), longName), true);
    assert.equal(matchesWildcard('*'.repeat(10_000) + 'b', longName), false);
    assert.equal(matchesWildcard('*' + 'a'.repeat(200) + 'b*', 'a'.repeat(5000)), false);
  });
});
