#!/usr/bin/env node
// node-soap server of the calculator contract (interop peer).
//
// Usage: NODE_PATH=<dir with soap installed> node server.js PORT WSDL_FILE
//   soap.listen on 127.0.0.1:PORT (0 = a free port): SOAP 1.1 at /calculator,
//   SOAP 1.2 at /calculator12 (forceSoap12Headers); ?wsdl answers WSDL_FILE
//   with http://localhost:8080 replaced by this server's address. Prints
//   "listening on PORT" once it accepts connections; stops on SIGTERM.
//   Divide by zero: a Client (1.1, HTTP 500) or Sender (1.2, HTTP 400) fault
//   "division by zero". Delay waits without blocking other calls.
// Exit: 0 on SIGTERM, 1 failure, 2 usage, 77 SKIPPED (soap cannot be loaded).
'use strict';

const EXIT_SKIPPED = 77;
const fs = require('fs');
const http = require('http');
let soap;
try {
  soap = require('soap');
} catch (e) {
  console.error('='.repeat(65));
  console.error(`SKIPPED: node-soap: the 'soap' package cannot be loaded (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  console.error('='.repeat(65));
  process.exit(EXIT_SKIPPED);
}

function fault(soap12, reason) {
  if (soap12) {
    return { Fault: { Code: { Value: 'soap:Sender' }, Reason: { Text: reason }, statusCode: 400 } };
  }
  return { Fault: { faultcode: 'soap:Client', faultstring: reason, statusCode: 500 } };
}

function operations(soap12) {
  return {
    Add: ({ a, b }) => ({ result: Number(a) + Number(b) }),
    Divide: ({ a, b }) => {
      if (Number(b) === 0) throw fault(soap12, 'division by zero');
      return { result: Number(a) / Number(b) };
    },
    // An empty <text/> comes in as no value; the contract's element is required.
    Echo: ({ text }) => ({ text: text === undefined || text === null ? '' : String(text) }),
    Delay: ({ milliseconds }) => {
      const ms = Number(milliseconds);
      if (!Number.isInteger(ms) || ms < 0 || ms > 600000) throw fault(soap12, 'milliseconds out of range');
      return new Promise((resolve) => setTimeout(() => resolve({ milliseconds: ms }), ms));
    },
  };
}

function main() {
  const [portArg, wsdlFile] = process.argv.slice(2);
  const port = Number(portArg);
  if (!wsdlFile || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node server.js PORT WSDL_FILE');
    return 2;
  }
  const template = fs.readFileSync(wsdlFile, 'utf8');
  const server = http.createServer((req, res) => {
    res.statusCode = 404;
    res.end();
  });
  // 1 MiB Echo and more: node's default request limits are larger; keep-alive on.
  server.listen(port, '127.0.0.1', () => {
    const actual = server.address().port;
    const wsdl = template.split('http://localhost:8080').join(`http://127.0.0.1:${actual}`);
    const services = (soap12) => ({
      CalculatorService: {
        CalculatorSoap11Port: operations(soap12),
        CalculatorSoap12Port: operations(soap12),
      },
    });
    soap.listen(server, { path: '/calculator', services: services(false), xml: wsdl });
    soap.listen(server, {
      path: '/calculator12', services: services(true), xml: wsdl, forceSoap12Headers: true,
    });
    console.log(`listening on ${actual}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500));
  return undefined;
}

const code = main();
if (code !== undefined) process.exit(code);
