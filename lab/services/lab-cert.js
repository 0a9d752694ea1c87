'use strict';
// A self-signed certificate for the lab's HTTPS devices. LAB ONLY: this key is public, it protects
// nothing and must never be used outside the lab (generated with
// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500`).
// Embedded rather than generated at run time so the lab needs no openssl.
module.exports = {
  key: `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJrpYnmPXDHoksQV/
cueYJmYU030LlioXGEkXgIv9ht2hRANCAARrSKRuilshcemmTCEOB9z3EJc4YUe8
A2x4Papsy2VRBHmZQ4iT8gMmQFdvEPRtfzsCFUszIO/lY80Ou752vCVP
-----END PRIVATE KEY-----
`,
  cert: `
-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUcr2GdVkIpIVycutys6Hs4P3Vy5QwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXcm91dGVyLWF1ZGl0IGxhYiBkZXZpY2UwIBcNMjYxMTIzMTIz
NjE4WhgPMjEyNjEwMzAxMjM2MThaMCIxIDAeBgNVBAMMF3JvdXRlci1hdWRpdCBs
YWIgZGV2aWNlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEa0ikbopbIXHppkwh
Dgfc9xCXOGFHvANseD2qbMtlUQR5mUOIk/IDJkBXbxD0bX87AhVLMyDv5WPNDru+
drwlT6NTMFEwHQYDVR0OBBYEFPyoL5m5ZeHsQGzM4hOPh+fzaxPWMB8GA1UdIwQY
MBaAFPyoL5m5ZeHsQGzM4hOPh+fzaxPWMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
zj0EAwIDSQAwRgIhAKexI7DNMLEkhl6pNcV4qPN0UgzOIXx4AxZS1jTRkHUBAiEA
2BSC7aSzgCES6zh8FRYllx+e8I5ioE9eZQvjh3QzDCg=
-----END CERTIFICATE-----
`,
};
