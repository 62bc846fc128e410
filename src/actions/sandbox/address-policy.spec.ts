import { parseIp, refusedAddress } from './address-policy.js';

describe('refusedAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.254', 'CGNAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'IETF'],
    ['192.0.2.1', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses IPv4 %s (%s)', (address, reason) => {
    expect(refusedAddress(address)).toContain(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.0.1',
    '198.20.0.1',
    '223.255.255.255',
  ])('allows public IPv4 %s, including the addresses just outside each range', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['fc00::1', 'unique local'],
    ['fdff:ffff::1', 'unique local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard'],
    ['2001::1', 'IETF'],
    ['64:ff9b:1::1', 'NAT64'],
    ['::ffff:127.0.0.1', 'loopback (IPv4 inside IPv6)'],
    ['::ffff:7f00:1', 'loopback (IPv4 inside IPv6)'],
    ['[::ffff:10.1.2.3]', 'private (IPv4 inside IPv6)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4 inside IPv6)'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback (IPv4 inside IPv6)'],
    ['::10.0.0.1', 'private (IPv4 inside IPv6)'],
    ['64:ff9b::192.168.0.1', 'private (IPv4 inside IPv6)'],
    ['64:ff9b::7f00:1', 'loopback (IPv4 inside IPv6)'],
    ['2002:7f00:1::1', 'loopback (IPv4 inside 6to4)'],
    ['2002:c0a8:101::', 'private (IPv4 inside 6to4)'],
  ])('refuses IPv6 %s (%s)', (address, reason) => {
    expect(refusedAddress(address)).toContain(reason);
  });

  it.each([
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    'fbff::1',
    'fe00::1',
    '2001:200::1',
  ])('allows public IPv6 %s, and embedded public IPv4', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });

  it.each(['localhost', 'example.com', '', '1.2.3', '256.1.1.1', '::g', '1::2::3', '[::1', '0x7f.0.0.1', '2130706433'])(
    'refuses %j, which is not an IP literal',
    (raw) => {
      expect(refusedAddress(raw)).toBe('not an IP address');
    },
  );
});

describe('parseIp', () => {
  it('expands IPv6 forms to 16 bytes', () => {
    expect(parseIp('::1')).toEqual([...Array<number>(15).fill(0), 1]);
    expect(parseIp('1:2:3:4:5:6:7:8')).toEqual([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
    expect(parseIp('fe80::')).toEqual([0xfe, 0x80, ...Array<number>(14).fill(0)]);
    expect(parseIp('::ffff:1.2.3.4')).toEqual([...Array<number>(10).fill(0), 0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIp('10.20.30.40')).toEqual([10, 20, 30, 40]);
  });
});
