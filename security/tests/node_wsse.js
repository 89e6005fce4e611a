#!/usr/bin/env node
// node-soap's WSSecurity against a wws host (issue 15 §3).
//
// Usage: NODE_PATH=<dir with soap installed> node node_wsse.js WSDL_URL
//   Add(1.5, 2.25) on both calculator ports (1.2 with forceSoap12Headers)
//   with WSSecurity as PasswordDigest (timestamp, mustUnderstand), as
//   PasswordText with a nonce, and as PasswordText without timestamp; then a
//   wrong password and an unknown user, which must each get the same fault
//   naming wsse:FailedAuthentication.
// Prints PASS/FAIL per case. Exit: 0 all passed, 1 a case failed, 2 usage,
// 77 SKIPPED (the soap package cannot be loaded).
'use strict';

const EXIT_SKIPPED = 77;
let soap;
try {
  soap = require('soap');
} catch (e) {
  console.error(`SKIPPED: node-soap: the 'soap' package cannot be loaded (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  process.exit(EXIT_SKIPPED);
}

const PORTS = { '1.1': 'CalculatorSoap11Port', '1.2': 'CalculatorSoap12Port' };
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

// The fault element as node-soap parsed it, as JSON (code, subcode, reason).
function faultOf(err) {
  const body = err && err.root && err.root.Envelope && err.root.Envelope.Body;
  return body && body.Fault ? JSON.stringify(body.Fault) : undefined;
}

async function main() {
  const [wsdlUrl] = process.argv.slice(2);
  if (!wsdlUrl) {
    console.error('usage: node_wsse.js WSDL_URL');
    return 2;
  }
  for (const version of ['1.1', '1.2']) {
    const client = await soap.createClientAsync(wsdlUrl, { forceSoap12Headers: version === '1.2' });
    const good = {
      'digest, timestamp, mustUnderstand': ['alice', 'secret', { passwordType: 'PasswordDigest', mustUnderstand: true }],
      'text with nonce': ['alice', 'secret', { passwordType: 'PasswordText', hasNonce: true }],
      'text, no timestamp': ['alice', 'secret', { passwordType: 'PasswordText', hasTimeStamp: false }],
    };
    for (const [name, [user, password, options]] of Object.entries(good)) {
      const caseName = `[${version}] ${name}`;
      client.setSecurity(new soap.WSSecurity(user, password, options));
      try {
        const r = await add(client, version);
        report(caseName, Number(r.result) === 3.75, `result ${JSON.stringify(r)}`);
      } catch (e) {
        report(caseName, false, faultOf(e) || e.message);
      }
    }
    const faults = {};
    for (const [name, user, password] of [['wrong password', 'alice', 'guess'], ['unknown user', 'mallory', 'secret']]) {
      const caseName = `[${version}] ${name}`;
      client.setSecurity(new soap.WSSecurity(user, password, { passwordType: 'PasswordDigest', mustUnderstand: true }));
      try {
        const r = await add(client, version);
        report(caseName, false, `accepted: ${JSON.stringify(r)}`);
      } catch (e) {
        const fault = faultOf(e);
        faults[name] = fault;
        report(caseName, !!fault && fault.includes('FailedAuthentication'), fault || e.message);
      }
    }
    report(`[${version}] the two faults are identical`, faults['wrong password'] === faults['unknown user'], '');
  }
  console.log(`node-soap ${require('soap/package.json').version} on Node ${process.version}: ${failures === 0 ? 'all passed' : failures + ' failed'}`);
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
