// `*` wildcards, as a CLI file-spec takes them: `*` stands for any run of characters (none included),
// every other character for itself, letters compared without case. Matching walks the name once per
// literal piece (indexOf, left to right), so no pattern can make it backtrack: a name of n characters
// and a pattern of m cost at most O(n·m), never the exponential time of a regex built from `.*`.

/** A matcher for `pattern`; compile once, test many names. */
export function wildcardMatcher(pattern: string): (name: string) => boolean {
  const pieces = pattern.toLowerCase().split('*');
  if (pieces.length === 1) return (name) => name.toLowerCase() === pieces[0];
  const head = pieces[0];
  const tail = pieces[pieces.length - 1];
  // Consecutive stars leave empty pieces, which match anywhere: drop them.
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  return (name) => {
    const s = name.toLowerCase();
    if (s.length < head.length + tail.length || !s.startsWith(head) || !s.endsWith(tail)) return false;
    // Each middle piece at its leftmost place after the previous one: leftmost leaves the most room
    // for the rest, so if this fails no other placement succeeds.
    const end = s.length - tail.length;
    let at = head.length;
    for (const p of middle) {
      const found = s.indexOf(p, at);
      if (found < 0 || found + p.length > end) return false;
      at = found + p.length;
    }
    return true;
  };
}

/** Whether `name` matches `pattern` (see wildcardMatcher). */
export function matchesWildcard(pattern: string, name: string): boolean {
  return wildcardMatcher(pattern)(name);
}
