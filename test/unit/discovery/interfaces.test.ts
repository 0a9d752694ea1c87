import type os from 'node:os';
import { localSubnets, planAddresses } from '../../../src/scanner/discovery/interfaces';

type Table = ReturnType<typeof os.networkInterfaces>;

const table: Table = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  eth0: [
    { address: '10.77.0.2', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:77:00:02', internal: false, cidr: '10.77.0.2/24' },
    { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:77:00:02', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
  ],
  wg0: [{ address: '10.99.0.5', netmask: '255.255.255.255', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '10.99.0.5/32' }],
};

describe('local subnets', () => {
  it('keeps IPv4 subnets of real interfaces, without loopback, IPv6 or /32 tunnels', () => {
    const subnets = localSubnets(table);
    expect(subnets.map((s) => `${s.iface} ${s.address} ${s.network.toString()}/${s.prefixLength}`)).toEqual(['eth0 10.77.0.2 10.77.0.2/24']);
  });
});

describe('address plan', () => {
  const subnets = localSubnets(table);

  it('sends on-link addresses to ARP and the rest to TCP', () => {
    const plan = planAddresses(['10.77.0.1', '10.78.0.10', '10.77.0.200'], subnets);
    expect(plan).toEqual({ onLink: ['10.77.0.1', '10.77.0.200'], routed: ['10.78.0.10'], skipped: [] });
  });

  it('never probes our own address, the network or the broadcast address', () => {
    const plan = planAddresses(['10.77.0.0', '10.77.0.2', '10.77.0.255', '10.77.0.3'], subnets);
    expect(plan.onLink).toEqual(['10.77.0.3']);
    expect(plan.skipped).toEqual(['10.77.0.0', '10.77.0.2', '10.77.0.255']);
  });

  it('skips anything that is not a dotted-quad IPv4 address', () => {
    const plan = planAddresses(['10.77.0.1; rm -rf /', '::1', '10.77.0.256', '0x0a.0.0.1'], subnets);
    expect(plan.onLink).toEqual([]);
    expect(plan.routed).toEqual([]);
    expect(plan.skipped).toHaveLength(4);
  });

  it('treats everything as routed on a machine without subnets', () => {
    expect(planAddresses(['10.77.0.1'], []).routed).toEqual(['10.77.0.1']);
  });
});
