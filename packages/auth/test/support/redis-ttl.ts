/** The keys under a prefix that carry no TTL, on every given node (one node, or each master of a cluster). */

/** What the scan needs of a node: raw commands (an ioredis `Redis`). */
export interface ScanNode {
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
}

const glob = (text: string) => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Keys matching `prefix*` whose PTTL is not positive (no expiry), except `except`. */
export async function keysWithoutTtl(
  nodes: readonly ScanNode[],
  prefix: string,
  except: readonly string[] = [],
): Promise<string[]> {
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = (await node.call('SCAN', cursor, 'MATCH', `${glob(prefix)}*`, 'COUNT', 500)) as [
        string,
        string[],
      ];
      cursor = next;
      for (const key of keys) {
        if (except.includes(key)) continue;
        if (Number(await node.call('PTTL', key)) <= 0) found.push(key);
      }
    } while (cursor !== '0');
  }
  return found;
}
