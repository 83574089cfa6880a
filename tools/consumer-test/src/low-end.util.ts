/** Compares two plain `x.y.z` versions numerically. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/**
 * The lowest version a peer range admits. Only the forms the libraries declare are understood
 * (`^x.y.z`, alternatives joined by `||`), so a range written another way fails loudly here
 * instead of being tested at a guessed version.
 */
export function lowestOf(range: string): string {
  const versions = range.split('||').map((part) => {
    const match = /^\^(\d+\.\d+\.\d+)$/.exec(part.trim());
    if (!match) throw new Error(`peer range "${range}" is not of the form ^x.y.z [|| ^x.y.z]`);
    return match[1];
  });
  return versions.sort(compareVersions)[0];
}

/**
 * The version of each peer to install so that every library is at the low end of its range at
 * once: for a peer several libraries declare, the highest of their lowest versions.
 */
export function lowEndOfPeers(
  manifests: { peerDependencies?: Record<string, string> }[],
): Record<string, string> {
  const lowEnd: Record<string, string> = {};
  for (const manifest of manifests) {
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {})) {
      const lowest = lowestOf(range);
      if (!lowEnd[name] || compareVersions(lowest, lowEnd[name]) > 0) lowEnd[name] = lowest;
    }
  }
  return lowEnd;
}
