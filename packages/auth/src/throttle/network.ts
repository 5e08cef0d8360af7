/**
 * The network a login attempt comes from, as the throttle counts it: an IPv4 address alone, an IPv6 address by its
 * /64 (one subscriber's allocation: counting single IPv6 addresses would give an attacker 2^64 fresh counters).
 */
import { isIP } from 'node:net';
import { invalidOption } from '../errors.ts';

function expandIpv6(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array.from({ length: 8 - left.length - right.length }, () => 0), ...right];
}

/** `ip` as a throttle key: `4:203.0.113.7`, or `6:2001:db8:0:1::/64` for any address of that /64. */
export function networkKey(ip: string, ipv6Prefix: number): string {
  const address = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : (ip.split('%')[0] ?? '');
  const family = isIP(address);
  if (family === 4) return `4:${address}`;
  if (family !== 6) throw invalidOption('ip', `must be an IPv4 or IPv6 address, got ${JSON.stringify(ip)}`);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return `4:${mapped[1]}`;
  // An embedded IPv4 tail (`::1.2.3.4`) lies past any /64, so it can be dropped before expanding.
  const groups = expandIpv6(address.replace(/:\d+\.\d+\.\d+\.\d+$/, ':0:0'));
  const kept = groups.map((group, i) => {
    const bits = Math.max(0, Math.min(16, ipv6Prefix - i * 16));
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  return `6:${kept.map((group) => group.toString(16)).join(':')}/${ipv6Prefix}`;
}
