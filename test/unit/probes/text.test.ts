import { authRealm, sameHostRedirect } from '../../../src/scanner/probes/http';
import { cleanHintText, decodeEntities, extractTitle, parseDeviceDescription } from '../../../src/scanner/probes/text';
import { descriptionUrl, mSearch, ssdpLocation } from '../../../src/scanner/probes/upnp';
import { stateForConnectError } from '../../../src/scanner/probes/tcp';

describe('page titles', () => {
  it('decodes numeric, hex and named entities and leaves unknown ones alone', () => {
    expect(decodeEntities('A&amp;B &#39;x&#x27; &LT;&nbsp;&unknown; &#0; &#xD800;')).toBe("A&B 'x' < &unknown; &#0; &#xD800;");
  });

  it('collapses whitespace and returns null for an empty title', () => {
    expect(cleanHintText('\n  Archer\r\n\t C7  ')).toBe('Archer C7');
    expect(cleanHintText(' \n ')).toBeNull();
    expect(extractTitle(Buffer.from('<title>   </title>'))).toBeNull();
  });

  it('finds the title whatever its case and attributes, and only once it is closed', () => {
    expect(extractTitle(Buffer.from('<HTML><Title id="t">TL-WR940N</TITLE >'))).toBe('TL-WR940N');
    expect(extractTitle(Buffer.from('<title>half a tit'))).toBeNull();
    expect(extractTitle(Buffer.from('<html><body>no title</body></html>'))).toBeNull();
  });

  it('decodes with the charset from a meta tag when the header names none', () => {
    const gbk = Buffer.concat([
      Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>'),
      Buffer.from([0xc2, 0xb7, 0xd3, 0xc9, 0xc6, 0xf7]), // 路由器 in GB2312
      Buffer.from('</title>'),
    ]);
    expect(extractTitle(gbk)).toBe('路由器');
    expect(extractTitle(Buffer.from('<title>caf\xc3\xa9</title>', 'latin1'), 'text/html; charset=x-nonsense')).toBe('café');
  });

  it('caps an absurdly long title', () => {
    expect(extractTitle(Buffer.from(`<title>${'x'.repeat(5000)}</title>`))).toHaveLength(200);
  });
});

describe('UPnP descriptions', () => {
  it('reads the root device, not an embedded one listed before its model fields', () => {
    const xml = `<root><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>
      <deviceList><device><deviceType>urn:x:WANDevice:1</deviceType><modelName>WAN</modelName>
        <deviceList><device><modelName>WANConnection</modelName></device></deviceList></device></deviceList>
      <manufacturer>TP-LINK</manufacturer><modelName>Archer AX21</modelName><modelNumber>1.0</modelNumber></device></root>`;
    expect(parseDeviceDescription(xml)).toEqual({
      deviceType: 'urn:schemas-upnp-org:device:InternetGatewayDevice:2',
      manufacturer: 'TP-LINK',
      modelName: 'Archer AX21',
      modelNumber: '1.0',
    });
  });

  it('tolerates namespace prefixes, CDATA, entities and missing fields', () => {
    const xml = '<u:root><u:device><u:manufacturer>AT&amp;T</u:manufacturer><u:modelName><![CDATA[ Deco\n M4 ]]></u:modelName></u:device></u:root>';
    expect(parseDeviceDescription(xml)).toEqual({ manufacturer: 'AT&T', modelName: 'Deco M4' });
    expect(parseDeviceDescription('not xml at all')).toEqual({});
  });

  it('takes LOCATION only from a 200 answer', () => {
    expect(ssdpLocation(Buffer.from('HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nlocation:  http://10.0.0.1:1900/igd.xml \r\n\r\n'))).toBe('http://10.0.0.1:1900/igd.xml');
    expect(ssdpLocation(Buffer.from('NOTIFY * HTTP/1.1\r\nLOCATION: http://10.0.0.1/x.xml\r\n\r\n'))).toBeNull();
    expect(ssdpLocation(Buffer.from('HTTP/1.1 200 OK\r\nST: x\r\n\r\n'))).toBeNull();
  });

  it('fetches a description only from the probed address itself', () => {
    expect(descriptionUrl('http://10.0.0.1:5000/rootDesc.xml', '10.0.0.1')?.port).toBe('5000');
    expect(descriptionUrl('http://10.0.0.2:5000/rootDesc.xml', '10.0.0.1')).toBeNull();
    expect(descriptionUrl('http://router.lan/rootDesc.xml', '10.0.0.1')).toBeNull();
    expect(descriptionUrl('http://10.0.0.1.evil.example/x', '10.0.0.1')).toBeNull();
    expect(descriptionUrl('file:///etc/passwd', '10.0.0.1')).toBeNull();
    expect(descriptionUrl('::garbage::', '10.0.0.1')).toBeNull();
  });

  it('addresses the M-SEARCH to the host, not to the multicast group', () => {
    const text = mSearch('10.9.8.7').toString('latin1');
    expect(text).toContain('HOST: 10.9.8.7:1900\r\n');
    expect(text).not.toContain('239.255.255.250');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe('HTTP helpers', () => {
  it('follows only redirects that stay on the probed host', () => {
    const base = 'http://10.0.0.1:80/';
    expect(sameHostRedirect('/login.htm', base, '10.0.0.1')).toMatchObject({ tls: false, port: 80 });
    expect(sameHostRedirect('https://10.0.0.1/webpages/login.html', base, '10.0.0.1')).toMatchObject({ tls: true, port: 443 });
    expect(sameHostRedirect('http://10.0.0.1:8080/', base, '10.0.0.1')).toMatchObject({ port: 8080 });
    expect(sameHostRedirect('http://tplinkwifi.net/', base, '10.0.0.1')).toBeNull();
    expect(sameHostRedirect('//10.0.0.2/', base, '10.0.0.1')).toBeNull();
    expect(sameHostRedirect('ftp://10.0.0.1/', base, '10.0.0.1')).toBeNull();
  });

  it('reads the realm of an auth challenge', () => {
    expect(authRealm('Basic realm="TP-LINK Wireless Lite N Router WR740N"')).toBe('TP-LINK Wireless Lite N Router WR740N');
    expect(authRealm('Digest qop="auth", realm="Archer"')).toBe('Archer');
    expect(authRealm('Bearer')).toBeNull();
    expect(authRealm(undefined)).toBeNull();
  });

  it('calls a refused connect closed and every other failure filtered', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(stateForConnectError(error('ECONNREFUSED'))).toBe('closed');
    expect(stateForConnectError(error('EHOSTUNREACH'))).toBe('filtered');
    expect(stateForConnectError(error('ENETUNREACH'))).toBe('filtered');
    expect(stateForConnectError(error('ETIMEDOUT'))).toBe('filtered');
  });
});
