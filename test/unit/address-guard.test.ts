import { describe, expect, it } from 'vitest';
import {
  AddressRefused,
  assertGuardOptions,
  describeAddress,
  isPrivateAddress,
  resolveAllowed,
  validateCallbackUrl,
  type HostLookup,
} from '../../src/adapters/http/address-guard.js';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['::', true],
    ['::1', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a9fe:a9fe', true],
    ['8.8.8.8', false],
    ['203.0.113.7', false],
    ['2001:4860:4860::8888', false],
    ['2001:db8::1', false],
  ])('%s → private %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it('treats a string that is not an IP address as private (fails closed)', () => {
    expect(isPrivateAddress('localhost')).toBe(true);
    expect(isPrivateAddress('')).toBe(true);
  });
});

describe('describeAddress', () => {
  it.each([
    ['127.0.0.2', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['169.254.169.254', 'a link-local address (the cloud metadata service lives there)'],
    ['fd00::1', 'a unique-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['8.8.8.8', 'a public address'],
  ])('%s is %s', (ip, kind) => {
    expect(describeAddress(ip)).toBe(kind);
  });
});

describe('validateCallbackUrl', () => {
  it('accepts http and https URLs with a host and returns them parsed', () => {
    expect(validateCallbackUrl('https://hooks.example.com/ips?x=1').host).toBe('hooks.example.com');
    expect(validateCallbackUrl('http://hooks.example.com:8080/').port).toBe('8080');
  });

  it.each([
    ['ftp://example.com/hook', 'scheme ftp: (expected http: or https:)'],
    ['file:///etc/passwd', 'scheme file: (expected http: or https:)'],
    ['http://', 'not an absolute URL'],
    ['/relative/hook', 'not an absolute URL'],
    ['http://example.com:0/', 'port 0 (expected 1 to 65535)'],
    ['http://example.com:70000/', 'not an absolute URL'],
  ])('refuses %s: %s', (url, reason) => {
    expect(() => validateCallbackUrl(url)).toThrow(AddressRefused);
    expect(() => validateCallbackUrl(url)).toThrow(expect.objectContaining({ reason, url }));
  });

  it('refuses credentials in the URL without repeating the password', () => {
    expect(() => validateCallbackUrl('http://user:pass@host/')).toThrow(AddressRefused);
    expect(() => validateCallbackUrl('https://token@host/')).toThrow(AddressRefused);
    let caught: unknown;
    try {
      validateCallbackUrl('http://user:s3cret@host.example/');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AddressRefused);
    const refused = caught as AddressRefused;
    expect(refused.reason).toBe('user name or password in the URL (credentials are not allowed)');
    expect(refused.url).toBe('http://host.example/');
    expect(refused.message).not.toContain('s3cret');
  });
});

describe('resolveAllowed', () => {
  const dns: Record<string, string[]> = {
    'mixed.example': ['8.8.8.8', '10.0.0.1'],
    'public.example': ['8.8.8.8', '2001:4860:4860::8888'],
    localhost: ['127.0.0.1', '::1'],
    'rebind.example': ['127.0.0.1'],
    'mapped.example': ['::ffff:127.0.0.1'],
  };
  const asked: string[] = [];
  const lookup: HostLookup = async (host) => {
    asked.push(host);
    const found = dns[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found;
  };
  const strict = { allowPrivate: false };

  it('returns the first address of a public host', async () => {
    await expect(resolveAllowed(new URL('https://public.example/hook'), strict, lookup)).resolves.toBe('8.8.8.8');
  });

  it('refuses a host when any of its addresses is private', async () => {
    await expect(resolveAllowed(new URL('https://mixed.example/hook'), strict, lookup)).rejects.toThrow(
      expect.objectContaining({ name: 'AddressRefused', reason: '10.0.0.1 is a private address (mixed.example resolves to it)' }),
    );
  });

  it('refuses an IPv4-mapped loopback answer', async () => {
    await expect(resolveAllowed(new URL('http://mapped.example/'), strict, lookup)).rejects.toBeInstanceOf(AddressRefused);
  });

  it('checks IP literals without asking DNS', async () => {
    asked.length = 0;
    await expect(resolveAllowed(new URL('http://127.0.0.1:8080/'), strict, lookup)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveAllowed(new URL('http://[::1]/'), strict, lookup)).rejects.toBeInstanceOf(AddressRefused);
    // WHATWG URL turns 0x7f.1 into 127.0.0.1, so odd spellings of loopback are caught too
    await expect(resolveAllowed(new URL('http://0x7f.1/'), strict, lookup)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveAllowed(new URL('http://8.8.8.8/'), strict, lookup)).resolves.toBe('8.8.8.8');
    expect(asked).toEqual([]);
  });

  it('allows everything with allowPrivate', async () => {
    await expect(resolveAllowed(new URL('https://mixed.example/hook'), { allowPrivate: true }, lookup)).resolves.toBe('8.8.8.8');
    await expect(resolveAllowed(new URL('http://127.0.0.1/'), { allowPrivate: true }, lookup)).resolves.toBe('127.0.0.1');
  });

  it('allows loopback for a CIDR in allowedHosts, and only inside it', async () => {
    const opts = { allowPrivate: false, allowedHosts: ['127.0.0.1/32'] };
    await expect(resolveAllowed(new URL('http://127.0.0.1:9000/'), opts, lookup)).resolves.toBe('127.0.0.1');
    await expect(resolveAllowed(new URL('http://rebind.example/'), opts, lookup)).resolves.toBe('127.0.0.1');
    await expect(resolveAllowed(new URL('http://mapped.example/'), opts, lookup)).resolves.toBe('::ffff:127.0.0.1');
    await expect(resolveAllowed(new URL('http://127.0.0.2/'), opts, lookup)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveAllowed(new URL('http://mixed.example/'), opts, lookup)).rejects.toBeInstanceOf(AddressRefused);
    // localhost also resolves to ::1, which the /32 does not cover
    await expect(resolveAllowed(new URL('http://localhost/'), opts, lookup)).rejects.toBeInstanceOf(AddressRefused);
  });

  it('allows every address of a host named in allowedHosts, and no other host', async () => {
    const opts = { allowPrivate: false, allowedHosts: ['localhost'] };
    await expect(resolveAllowed(new URL('http://localhost:3000/'), opts, lookup)).resolves.toBe('127.0.0.1');
    await expect(resolveAllowed(new URL('http://LOCALHOST./'), opts, lookup)).resolves.toBe('127.0.0.1');
    await expect(resolveAllowed(new URL('http://rebind.example/'), opts, lookup)).rejects.toBeInstanceOf(AddressRefused);
    await expect(resolveAllowed(new URL('http://127.0.0.1/'), opts, lookup)).rejects.toBeInstanceOf(AddressRefused);
  });

  it('passes lookup failures through as they are (a network error, not a refusal)', async () => {
    await expect(resolveAllowed(new URL('http://nowhere.example/'), strict, lookup)).rejects.toThrow('getaddrinfo ENOTFOUND nowhere.example');
    await expect(resolveAllowed(new URL('http://nowhere.example/'), strict, lookup)).rejects.not.toBeInstanceOf(AddressRefused);
  });
});

describe('assertGuardOptions', () => {
  it('accepts host names, IPs and CIDRs', () => {
    expect(() =>
      assertGuardOptions({ allowPrivate: false, allowedHosts: ['localhost', 'hooks.internal', '10.0.0.0/8', 'fd00::/8', '192.168.1.5'] }),
    ).not.toThrow();
  });

  it.each(['10.0.0.0/33', 'fd00::/129', '10.0.0.0/', 'not a host', 'host/8'])('refuses %s naming the entry', (entry) => {
    expect(() => assertGuardOptions({ allowPrivate: false, allowedHosts: [entry] })).toThrow(
      `allowedHosts: expected a host name or a CIDR such as 10.0.0.0/8 or fd00::/8, received '${entry}'`,
    );
  });
});
