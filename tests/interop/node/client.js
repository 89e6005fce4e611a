#!/usr/bin/env node
// node-soap client of the calculator contract (interop peer).
//
// Usage: NODE_PATH=<dir with soap installed> node client.js WSDL_URL [1.1|1.2|both] [--cancel-ms N]
//   createClientAsync(WSDL_URL); SOAP 1.1 through CalculatorSoap11Port, SOAP
//   1.2 through CalculatorSoap12Port with forceSoap12Headers. Every case of
//   tests/interop/README.md, then two cancellations of a Delay(N) (default
//   20000 + k): an AbortController aborted after 500 ms, and a client
//   timeout of 500 ms. Each prints "cancel-at request=Delay(N) unix_ms=T" for
//   the caller to match with the host's events. --cancel-ms 0: no cancellations.
// Prints PASS/FAIL per case. Exit: 0 all passed, 1 a case failed, 2 usage,
// 77 SKIPPED (the soap package cannot be loaded).
'use strict';

const EXIT_SKIPPED = 77;
let soap;
try {
  soap = require('soap');
} catch (e) {
  console.error('='.repeat(65));
  console.error(`SKIPPED: node-soap: the 'soap' package cannot be loaded (NODE_PATH=${process.env.NODE_PATH || ''}): ${e.message}`);
  console.error('='.repeat(65));
  process.exit(EXIT_SKIPPED);
}

const SPECIAL_TEXT = 'héllo <&> "\' ünïcødé ✓';
const LARGE_TEXT = 'x'.repeat(1024 * 1024);
const PORTS = { '1.1': 'CalculatorSoap11Port', '1.2': 'CalculatorSoap12Port' };
let failures = 0;

function report(name, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
  if (!ok) failures += 1;
}

async function run(name, fn) {
  try {
    const why = await fn();
    report(name, !why, why || '');
  } catch (e) {
    report(name, false, `${e.name}: ${String(e.message).slice(0, 300)}`);
  }
}

// One operation through the port's method: resolves [result, rawResponse].
function invoke(port, op, args, options) {
  return new Promise((resolve, reject) => {
    port[op](args, (err, result, raw) => (err ? reject(err) : resolve([result, raw])), options || {});
  });
}

function sameDouble(got, want) {
  const g = Number(got);
  return Object.is(g, want);
}

// Text of a parsed element: node-soap gives an object ({attributes, $value})
// when the element has attributes (xml:lang on a reason, as WCF writes it).
function textOf(el) {
  if (el === undefined || el === null) return undefined;
  return typeof el === 'object' ? String(el.$value !== undefined ? el.$value : el._) : String(el);
}

// The fault's reason text, whichever SOAP version node-soap parsed.
function faultReason(err) {
  const fault = err && err.root && err.root.Envelope && err.root.Envelope.Body && err.root.Envelope.Body.Fault;
  if (!fault) return undefined;
  if (fault.faultstring !== undefined) return textOf(fault.faultstring);
  return textOf(fault.Reason && fault.Reason.Text);
}

async function runVersion(client, wsdlUrl, version, cancelMs) {
  const v = `[${version}]`;
  const port = client.CalculatorService[PORTS[version]];
  const add = async (a, b, want) => {
    const [r] = await invoke(port, 'Add', { a, b });
    return sameDouble(r.result, want) ? '' : `result ${JSON.stringify(r)}`;
  };
  await run(`${v} Add(1.5, 2.25) = 3.75`, () => add(1.5, 2.25, 3.75));
  await run(`${v} Add(1e308, 0) = 1e308`, () => add(1e308, 0, 1e308));
  await run(`${v} Add(-0.0, -0.0) = -0.0`, async () => {
    // JavaScript writes -0 as "0" (String(-0)); the text "-0" is sent as is.
    const [r] = await invoke(port, 'Add', { a: '-0', b: '-0' });
    return sameDouble(r.result, -0) ? '' : `result ${JSON.stringify(r)}`;
  });
  await run(`${v} Add(5e-324, 0) = 5e-324`, () => add(5e-324, 0, 5e-324));
  await run(`${v} Divide(1, 4) = 0.25`, async () => {
    const [r] = await invoke(port, 'Divide', { a: 1, b: 4 });
    return sameDouble(r.result, 0.25) ? '' : `result ${JSON.stringify(r)}`;
  });
  await run(`${v} Divide(1, 0) raises a fault 'division by zero'`, async () => {
    try {
      const [r] = await invoke(port, 'Divide', { a: 1, b: 0 });
      return `no fault, result ${JSON.stringify(r)}`;
    } catch (e) {
      const reason = faultReason(e);
      return reason === 'division by zero' ? '' : `reason ${JSON.stringify(reason)}; ${e.message}`;
    }
  });
  await run(`${v} Add(2, 3) = 5 after the fault`, () => add(2, 3, 5));
  const echo = (text) => async () => {
    const [r, raw] = await invoke(port, 'Echo', { text });
    const got = r && r.text;
    if (got === text) return '';
    if (text === '' && (got === undefined || got === null) && /<(\w+:)?text\s*(\/>|><\/)/.test(raw)) {
      console.log(`NOTE ${v} node-soap gives no value for an empty <text/> element (the element was there, empty)`);
      return '';
    }
    return `got ${got === undefined || got === null ? String(got) : got.length > 80 ? got.length + ' chars' : JSON.stringify(got)}`;
  };
  await run(`${v} Echo(special and non-ASCII)`, echo(SPECIAL_TEXT));
  await run(`${v} Echo(empty)`, echo(''));
  await run(`${v} Echo(1 MiB)`, echo(LARGE_TEXT));
  await run(`${v} Delay(50) = 50`, async () => {
    const t0 = Date.now();
    const [r] = await invoke(port, 'Delay', { milliseconds: 50 });
    const ms = Date.now() - t0;
    return Number(r.milliseconds) === 50 && ms >= 50 ? '' : `result ${JSON.stringify(r)} after ${ms} ms`;
  });

  const cancelCase = async (what, ms, makeOptions) => {
    await run(`${v} ${what} during Delay(${ms})`, async () => {
      const t0 = Date.now();
      const { options, fire } = makeOptions();
      const pending = invoke(port, 'Delay', { milliseconds: ms }, options);
      setTimeout(() => {
        console.log(`cancel-at request=Delay(${ms}) unix_ms=${Date.now()}`);
        if (fire) fire();
      }, 500);
      try {
        const [r] = await pending;
        return `the call returned ${JSON.stringify(r)}`;
      } catch (e) {
        const took = Date.now() - t0;
        return took < 3000 ? '' : `ended after ${took} ms (${e.message})`;
      }
    });
  };
  if (cancelMs === 0) return;
  await cancelCase('AbortController.abort()', cancelMs + (version === '1.1' ? 1 : 3), () => {
    const controller = new AbortController();
    return { options: { signal: controller.signal }, fire: () => controller.abort() };
  });
  await cancelCase('client timeout 500 ms', cancelMs + (version === '1.1' ? 2 : 4), () => ({ options: { timeout: 500 } }));
  await run(`${v} Add(1, 2) = 3 after the cancellations`, () => add(1, 2, 3));
}

async function main() {
  const args = process.argv.slice(2);
  let cancelMs = 20000;
  const i = args.indexOf('--cancel-ms');
  if (i >= 0) {
    cancelMs = Number(args[i + 1]);
    args.splice(i, 2);
  }
  if (args.length < 1 || args.length > 2 || !Number.isInteger(cancelMs)) {
    console.error('usage: node client.js WSDL_URL [1.1|1.2|both] [--cancel-ms N]');
    return 2;
  }
  const [wsdlUrl, which = 'both'] = args;
  const versions = which === 'both' ? ['1.1', '1.2'] : [which];
  for (const version of versions) {
    if (!PORTS[version]) {
      console.error(`unknown SOAP version ${version}`);
      return 2;
    }
    let client;
    try {
      client = await soap.createClientAsync(wsdlUrl, { forceSoap12Headers: version === '1.2' });
    } catch (e) {
      report(`[${version}] createClientAsync(${wsdlUrl})`, false, e.message);
      continue;
    }
    await runVersion(client, wsdlUrl, version, cancelMs);
  }
  const version = require('soap/package.json').version;
  console.log(`node-soap ${version} on Node ${process.version}: ${failures === 0 ? 'all passed' : failures + ' failed'}`);
  return failures === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});
