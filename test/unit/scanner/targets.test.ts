import {
  DEFAULT_MAX_HOSTS, TargetError, interfaceSubnets, isCovered, parseAllowList, parseTarget, planTargets, toNumber,
} from '../../../src/scanner/targets';

const policy = { allow: parseAllowList(undefined), maxHosts: DEFAULT_MAX_HOSTS };

function refusal(specs: string[], customPolicy = policy): TargetError {
  try {
    planTargets(specs, customPolicy);
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
  throw new Error(`expected ${specs.join(' ')} to be refused`);
}

describe('target syntax', () => {
  it('expands a /24 to its 254 host addresses', () => {
    const plan = planTargets(['10.20.0.0/24'], policy);
    expect(plan.targets).toEqual(['10.20.0.0/24']);
    expect(plan.addresses).toHaveLength(254);
    expect(plan.addresses[0]).toBe('10.20.0.1');
    expect(plan.addresses.at(-1)).toBe('10.20.0.254');
  });

  it('canonicalises a CIDR written with a host address', () => {
    expect(parseTarget('10.20.0.77/24').spec).toBe('10.20.0.0/24');
  });

  it('keeps both addresses of a /31 and the single one of a /32', () => {
    expect(planTargets(['10.0.0.4/31'], policy).addresses).toEqual(['10.0.0.4', '10.0.0.5']);
    expect(planTargets(['10.0.0.4/32'], policy).addresses).toEqual(['10.0.0.4']);
  });

  it('accepts a last-octet range and a full range', () => {
    expect(planTargets(['192.168.1.10-12'], policy).addresses).toEqual(['192.168.1.10', '192.168.1.11', '192.168.1.12']);
    expect(planTargets(['192.168.1.254-192.168.2.1'], policy).addresses).toEqual([
      '192.168.1.254', '192.168.1.255', '192.168.2.0', '192.168.2.1',
    ]);
  });

  it('merges several targets without repeating an address', () => {
    const plan = planTargets(['10.0.0.1', '10.0.0.0/30', '10.0.0.2-3'], policy);
    expect(plan.addresses).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it.each([
    ['10.0.0/24'], ['10.0.0.0/33'], ['10.0.0.256'], ['10.0.0.9-3'], ['10.0.0.1-300'], ['scan'], ['10.0.0.0/24;rm'], [''],
  ])('says what it expected for the malformed target %p', (spec) => {
    const error = refusal([spec]);
    expect(error.kind).toBe('malformed');
    expect(error.message).toMatch(/CIDR form \(10\.20\.0\.0\/24\).*address.*range/);
  });

  it('explains that IPv6 is not scanned', () => {
    expect(refusal(['fd00::/64']).kind).toBe('unsupported');
  });
});

describe('allowlist (SCAN_ALLOW)', () => {
  it('defaults to the private ranges', () => {
    expect(policy.allow.map((net) => net.spec)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
  });

  it('refuses a public range, naming the target and the variable', () => {
    const error = refusal(['8.8.8.0/24']);
    expect(error.kind).toBe('refused');
    expect(error.target).toBe('8.8.8.0/24');
    expect(error.message).toContain('Refused 8.8.8.0/24');
    expect(error.message).toContain('SCAN_ALLOW=10.0.0.0/8,172.16.0.0/12,192.168.0.0/16');
    expect(error.message).toContain('Nothing was sent');
  });

  it('refuses the whole request when one of several targets is outside', () => {
    expect(refusal(['10.0.0.0/24', '192.0.2.0/24']).target).toBe('192.0.2.0/24');
  });

  it('refuses a range that starts inside and leaves the allowed space', () => {
    expect(refusal(['172.31.255.250-172.32.0.5']).kind).toBe('refused');
  });

  it('refuses a public range before complaining about its size', () => {
    expect(refusal(['0.0.0.0/0']).kind).toBe('refused');
  });

  it('accepts a range covered by two adjacent allowed networks', () => {
    const allow = parseAllowList('10.77.0.0/24, 10.77.1.0/24');
    expect(isCovered({ first: toNumber('10.77.0.200'), last: toNumber('10.77.1.10') }, allow)).toBe(true);
    expect(isCovered({ first: toNumber('10.77.0.200'), last: toNumber('10.77.2.0') }, allow)).toBe(false);
  });

  it('rejects a malformed SCAN_ALLOW entry by name', () => {
    expect(() => parseAllowList('10.0.0.0/8,banana')).toThrow(/"banana" is not an IPv4 network/);
  });
});

describe('size cap (SCAN_MAX_HOSTS)', () => {
  it('refuses a /16 by default and says how to narrow it', () => {
    const error = refusal(['10.1.0.0/16']);
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain('65,534 addresses');
    expect(error.message).toContain('at most 1,024 (SCAN_MAX_HOSTS)');
  });

  it('counts all targets together', () => {
    const error = refusal(['10.0.0.0/24', '10.0.1.0/24'], { ...policy, maxHosts: 300 });
    expect(error.kind).toBe('too-large');
  });
});

describe('default targets from interfaces', () => {
  it('takes the IPv4 subnets of non-loopback interfaces', () => {
    const subnets = interfaceSubnets({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', internal: true }],
      eth0: [
        { address: '10.77.0.2', netmask: '255.255.255.0', family: 'IPv4', internal: false },
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', internal: false },
      ],
      wg0: [{ address: '10.9.9.9', netmask: '255.255.255.255', family: 'IPv4', internal: false }],
    });
    expect(subnets).toEqual(['10.77.0.0/24']);
  });
});
