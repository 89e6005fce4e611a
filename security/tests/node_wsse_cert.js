#!/usr/bin/env node
// node-soap's WSSecurityCert (xml-crypto) against a wws host behind a
// SignatureValidator (issue 15 §3).
//
// Usage: NODE_PATH=<dir with soap installed> node node_wsse_cert.js WSDL_URL KEY_PEM CERT_PEM OTHER_CERT_PEM
//   Add(1.5, 2.25) on both calculator ports (1.2 with forceSoap12Headers),
//   signed by WSSecurityCert with its defaults (RSA-SHA256, SHA-256 digests,
//   enveloped-signature + exc-c14n transforms, Body and Timestamp signed)
//   and with rsa-sha256 named explicitly (the Body's reference then has
//   exc-c14n alone), and with wsu:Id IDs (xml-crypto's idMode
//   'wssecurity'; in SOAP 1.2 always: see below); then signed with OTHER_CERT (the same key, a CA the
//   host does not trust), which must get a fault naming
//   wsse:FailedAuthentication.
// Prints PASS/FAIL per case. Exit: 0 all passed, 1 a case failed, 2 usage,
// 77 SKIPPED (the soap package cannot be loaded).
'use strict';

const fs = require('fs');

const EXIT_SKIPPED = 77;
let soap;
try {
  soap = require('soap');
} catch (e) {
  console.error(`SKIPPED: node-soap: the 'soap' package cannot be loaded (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  process.exit(EXIT_SKIPPED);
}

const PORTS = { '1.1': 'CalculatorSoap11Port', '1.2': 'CalculatorSoap12Port' };
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
let failures = 0;

function report(name, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
  if (!ok) failures += 1;
}

function add(client, version) {
  const port = client.CalculatorService[PORTS[version]];
  return new Promise((resolve, reject) => {
    port.Add({ a: 1.5, b: 2.25 }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function faultOf(err) {
  const body = err && err.root && err.root.Envelope && err.root.Envelope.Body;
  return body && body.Fault ? JSON.stringify(body.Fault) : undefined;
}

async function main() {
  const [wsdlUrl, keyFile, certFile, otherCertFile] = process.argv.slice(2);
  if (!otherCertFile) {
    console.error('usage: node_wsse_cert.js WSDL_URL KEY_PEM CERT_PEM OTHER_CERT_PEM');
    return 2;
  }
  const key = fs.readFileSync(keyFile);
  const cert = fs.readFileSync(certFile, 'utf8');
  const otherCert = fs.readFileSync(otherCertFile, 'utf8');
  for (const version of ['1.1', '1.2']) {
    const client = await soap.createClientAsync(wsdlUrl, { forceSoap12Headers: version === '1.2' });
    // xml-crypto's default ID is an unqualified `Id` attribute, which
    // SOAP 1.2 (Part 1 §5.3) does not allow on Body, and our host refuses:
    // in SOAP 1.2 the IDs are wsu:Id (idMode 'wssecurity').
    const ids = version === '1.2' ? { signerOptions: { idMode: 'wssecurity' } } : {};
    const cases = [
      ['defaults', {}],
      ['rsa-sha256 named', { signatureAlgorithm: RSA_SHA256 }],
    ];
    // (In SOAP 1.2 'defaults' is this case already; sent twice in the same
    // second, the same signature would rightly be refused as a replay.)
    if (version === '1.1') cases.push(['wsu:Id', { signerOptions: { idMode: 'wssecurity' } }]);
    for (const [name, options] of cases) {
      const caseName = `[${version}] signed, ${name}`;
      client.setSecurity(new soap.WSSecurityCert(key, cert, '', { ...ids, ...options }));
      try {
        const r = await add(client, version);
        report(caseName, Number(r.result) === 3.75, `result ${JSON.stringify(r)}`);
      } catch (e) {
        report(caseName, false, faultOf(e) || e.message);
      }
    }
    const caseName = `[${version}] signer of an untrusted CA`;
    client.setSecurity(new soap.WSSecurityCert(key, otherCert, '', ids));
    try {
      const r = await add(client, version);
      report(caseName, false, `accepted: ${JSON.stringify(r)}`);
    } catch (e) {
      const fault = faultOf(e);
      report(caseName, !!fault && fault.includes('FailedAuthentication'), fault || e.message);
    }
  }
  console.log(`node-soap ${require('soap/package.json').version} on Node ${process.version}: ${failures === 0 ? 'all passed' : failures + ' failed'}`);
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
