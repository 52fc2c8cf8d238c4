/**
 * Which hosts and addresses the crawler may reach. Only hosts listed in sources.yaml are contacted, and a
 * name that resolves to a private, loopback or link-local address is refused at connect time (so DNS
 * rebinding cannot slip past a check made earlier). Only an address listed literally is exempt: an
 * operator who lists 127.0.0.1:8080 means it.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped) return PRIVATE.check(mapped, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return false;
}

export class NetworkPolicy {
  private readonly hosts: Set<string>;

  /** `hosts` are host or host:port values as written in sources.yaml. */
  constructor(hosts: Iterable<string>) {
    this.hosts = new Set([...hosts].map((h) => h.toLowerCase()));
  }

  /** Is this URL's host one we may contact at all? */
  allows(url: URL): boolean {
    return this.hosts.has(url.host.toLowerCase()) || this.hosts.has(url.hostname.toLowerCase());
  }

  /**
   * Private addresses are reachable only when the configuration lists the address itself (or localhost):
   * a listed domain name that suddenly resolves to 10.0.0.1 is refused.
   */
  mayUsePrivateAddress(hostname: string): boolean {
    const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if (!isIP(h) && h !== 'localhost') return false;
    for (const listed of this.hosts) {
      const listedHost = listed.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
      if (listedHost === h) return true;
    }
    return false;
  }

  /** A `lookup` for net.connect that refuses private addresses for hosts not explicitly listed. */
  readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const allowed = this.mayUsePrivateAddress(hostname)
        ? list
        : list.filter((a) => !isPrivateAddress(a.address));
      if (allowed.length === 0) {
        const refusal = Object.assign(
          new Error(
            `${hostname} resolves to a private address (${list.map((a) => a.address).join(', ')}); refused`,
          ),
          {
            code: 'EPRIVATEADDRESS',
          },
        );
        return callback(refusal, '', 0);
      }
      if (options.all) return callback(null, allowed);
      const first = allowed[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
