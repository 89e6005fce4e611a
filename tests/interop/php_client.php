<?php
// PHP ext/soap client of the wws calculator contract (interop peer).
//
// Usage: php php_client.php WSDL_URL [1.1|1.2|both]
//
// Loads the WSDL from WSDL_URL (e.g. http://127.0.0.1:PORT/calculator?wsdl),
// takes the address of CalculatorSoap11Port / CalculatorSoap12Port from the
// WSDL's service (ext/soap itself would pick a port on its own) and calls every
// operation with the matching soap_version, printing PASS/FAIL per case.
//
// Exit: 0 all passed, 1 any failure, 2 usage, 77 SKIPPED (ext/soap missing).

const EXIT_SKIPPED = 77;
const PORTS = ['1.1' => 'CalculatorSoap11Port', '1.2' => 'CalculatorSoap12Port'];
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const SPECIAL_TEXT = "héllo <&> \"' ünïcødé ✓";

if (!extension_loaded('soap') || !extension_loaded('dom')) {
    fwrite(STDERR, str_repeat('=', 65) . "\n");
    fwrite(STDERR, "SKIPPED: PHP ext/soap or ext/dom not loaded (install php-soap, php-xml)\n");
    fwrite(STDERR, str_repeat('=', 65) . "\n");
    exit(EXIT_SKIPPED);
}

$failures = 0;

function report(string $name, bool $ok, string $detail = ''): void
{
    global $failures;
    echo ($ok ? 'PASS ' : 'FAIL ') . $name . ($detail !== '' ? ": $detail" : '') . "\n";
    if (!$ok) {
        $failures++;
    }
}

// Runs one case; any exception the case does not expect is a failure.
function run_case(string $name, callable $fn): void
{
    try {
        [$ok, $detail] = $fn();
    } catch (Throwable $e) {
        [$ok, $detail] = [false, get_class($e) . ': ' . $e->getMessage()];
    }
    report($name, $ok, $detail);
}

// Address of the named port in the WSDL's service, or null.
function port_address(string $wsdlText, string $portName): ?string
{
    $doc = new DOMDocument();
    if (!@$doc->loadXML($wsdlText, LIBXML_NONET)) {
        return null;
    }
    foreach ($doc->getElementsByTagNameNS(WSDL_NS, 'port') as $port) {
        if ($port->getAttribute('name') !== $portName) {
            continue;
        }
        foreach ($port->childNodes as $child) {
            if ($child instanceof DOMElement && $child->localName === 'address') {
                return $child->getAttribute('location');
            }
        }
    }
    return null;
}

function show($value): string
{
    if (is_string($value) && strlen($value) > 80) {
        return strlen($value) . ' bytes';
    }
    return var_export($value, true);
}

function run_version(string $wsdlUrl, string $wsdlText, string $version): void
{
    $v = "[$version]";
    $address = port_address($wsdlText, PORTS[$version]);
    if ($address === null) {
        report("$v find " . PORTS[$version] . ' in WSDL', false, 'port or address missing');
        return;
    }
    $client = new SoapClient($wsdlUrl, [
        'soap_version' => $version === '1.1' ? SOAP_1_1 : SOAP_1_2,
        'cache_wsdl' => WSDL_CACHE_NONE,
        'exceptions' => true,
        'trace' => true,
        'connection_timeout' => 10,
        'keep_alive' => true,
    ]);
    $client->__setLocation($address);

    run_case("$v Add(1.5, 2.25) = 3.75", function () use ($client) {
        $r = $client->Add(['a' => 1.5, 'b' => 2.25]);
        return [$r->result === 3.75, 'result ' . show($r->result)];
    });
    run_case("$v Divide(1, 0) raises SoapFault 'division by zero'", function () use ($client) {
        try {
            $r = $client->Divide(['a' => 1, 'b' => 0]);
        } catch (SoapFault $f) {
            return [$f->getMessage() === 'division by zero',
                'fault ' . show($f->faultcode ?? null) . ' reason ' . show($f->getMessage())];
        }
        return [false, 'no fault, result ' . show($r->result ?? null)];
    });
    $echo = function (string $text) use ($client) {
        return function () use ($client, $text) {
            $r = $client->Echo(['text' => $text]);
            $got = $r->text ?? null;
            return [$got === $text, $got === $text ? '' : 'got ' . show($got)];
        };
    };
    run_case("$v Echo(special and non-ASCII)", $echo(SPECIAL_TEXT));
    run_case("$v Echo(empty)", $echo(''));
    run_case("$v Echo(1 MiB)", $echo(str_repeat('x', 1024 * 1024)));
    run_case("$v Delay(50) = 50", function () use ($client) {
        $start = hrtime(true);
        $r = $client->Delay(['milliseconds' => 50]);
        $ms = (hrtime(true) - $start) / 1e6;
        return [$r->milliseconds === 50 && $ms >= 50,
            'result ' . show($r->milliseconds) . sprintf(' after %.0f ms', $ms)];
    });
}

if ($argc < 2 || $argc > 3 || ($argc === 3 && !in_array($argv[2], ['1.1', '1.2', 'both'], true))) {
    fwrite(STDERR, "usage: php php_client.php WSDL_URL [1.1|1.2|both]\n");
    exit(2);
}
$wsdlUrl = $argv[1];
$which = $argv[2] ?? 'both';
ini_set('default_socket_timeout', '30');

$context = stream_context_create(['http' => ['timeout' => 30]]);
$wsdlText = @file_get_contents($wsdlUrl, false, $context);
if ($wsdlText === false) {
    report("load WSDL $wsdlUrl", false, 'cannot fetch');
    exit(1);
}
foreach ($which === 'both' ? ['1.1', '1.2'] : [$which] as $version) {
    try {
        run_version($wsdlUrl, $wsdlText, $version);
    } catch (Throwable $e) {
        report("[$version] client", false, get_class($e) . ': ' . $e->getMessage());
    }
}
echo 'PHP ' . PHP_VERSION . ' ext/soap: ' . ($failures === 0 ? 'all passed' : "$failures failed") . "\n";
exit($failures === 0 ? 0 : 1);
