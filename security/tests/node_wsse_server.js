#!/usr/bin/env node
// node-soap server whose `authenticate` checks the UsernameToken our proxy
// sends (issue 15 §3): alice / secret, PasswordText compared, PasswordDigest
// recomputed with node-soap's own passwordDigest(nonce, created, password).
//
// Usage: NODE_PATH=<dir with soap installed> node node_wsse_server.js WSDL_FILE
//   soap.listen on 127.0.0.1 (a free port): SOAP 1.1 at /calculator, SOAP 1.2
//   at /calculator12; only Add. Prints "listening on PORT", then one line per
//   request: "auth user=U type=Text|Digest timestamp=yes|no mustUnderstand=V ok=true|false".
//   A refused token gets node-soap's fault (AuthenticationFailure, HTTP 401).
//   Stops on SIGTERM or when stdin closes.
// Exit: 0 on stop, 2 usage, 77 SKIPPED (soap cannot be loaded).
'use strict';

const EXIT_SKIPPED = 77;
const fs = require('fs');
const http = require('http');
let soap;
try {
  soap = require('soap');
} catch (e) {
  console.error(`SKIPPED: node-soap: the 'soap' package cannot be loaded (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  process.exit(EXIT_SKIPPED);
}

const textOf = (el) => (el === undefined || el === null ? undefined
  : typeof el === 'object' ? String(el.$value !== undefined ? el.$value : el._) : String(el));

function authenticate(security) {
  const token = security && security.UsernameToken;
  if (!token) {
    console.log('auth no token ok=false');
    return false;
  }
  const user = textOf(token.Username);
  const password = token.Password || {};
  const type = (password.attributes && password.attributes.Type) || '';
  const digest = type.endsWith('#PasswordDigest');
  let ok = user === 'alice';
  if (digest) {
    ok = ok && textOf(password) === soap.passwordDigest(textOf(token.Nonce), textOf(token.Created), 'secret');
  } else {
    ok = ok && textOf(password) === 'secret';
  }
  const mu = security.attributes ? Object.entries(security.attributes).find(([k]) => k.endsWith('mustUnderstand')) : undefined;
  console.log(`auth user=${user} type=${digest ? 'Digest' : 'Text'} timestamp=${security.Timestamp ? 'yes' : 'no'} mustUnderstand=${mu ? mu[1] : 'absent'} ok=${ok}`);
  return ok;
}

function main() {
  const [wsdlFile] = process.argv.slice(2);
  if (!wsdlFile) {
    console.error('usage: node node_wsse_server.js WSDL_FILE');
    return 2;
  }
  const template = fs.readFileSync(wsdlFile, 'utf8');
  const server = http.createServer((req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.listen(0, '127.0.0.1', () => {
    const actual = server.address().port;
    const wsdl = template.split('http://localhost:8080').join(`http://127.0.0.1:${actual}`);
    const add = { Add: ({ a, b }) => ({ result: Number(a) + Number(b) }) };
    const services = { CalculatorService: { CalculatorSoap11Port: add, CalculatorSoap12Port: add } };
    for (const [path, soap12] of [['/calculator', false], ['/calculator12', true]]) {
      const s = soap.listen(server, { path, services, xml: wsdl, forceSoap12Headers: soap12 });
      s.authenticate = authenticate;
    }
    console.log(`listening on ${actual}`);
  });
  const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  return undefined;
}

const code = main();
if (code !== undefined) process.exit(code);
