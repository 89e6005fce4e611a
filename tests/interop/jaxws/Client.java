// JAX-WS RI client of the calculator contract (interop peer).
//
// Compiled against the classes wsimport generates from a host's ?wsdl
// (package org.example.wws.calculator; see build.sh, never committed).
//
// Usage: java Client WSDL_URL MODE[,MODE...] [--cancel-ms N]
//   MODE: soap11 | soap11-wsa | soap12 | soap12-wsa (CalculatorSoap11Port or
//   CalculatorSoap12Port; -wsa with AddressingFeature, WS-Addressing 1.0).
//   The cancellation case calls Delay(N + k) (N default 20000, k the mode's
//   place in the list) on a port whose
//   request timeout (com.sun.xml.ws.request.timeout and
//   javax.xml.ws.client.receiveTimeout) is 500 ms, printing
//   "cancel-at request=Delay(N) unix_ms=T" when the timeout is due.
// Prints PASS/FAIL per case. Exit: 0 all passed, 1 a case failed, 2 usage.
import java.net.URL;
import java.util.concurrent.Callable;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.Holder;
import javax.xml.ws.WebServiceException;
import javax.xml.ws.soap.AddressingFeature;
import javax.xml.ws.soap.SOAPFaultException;
import org.example.wws.calculator.CalculatorPortType;
import org.example.wws.calculator.CalculatorService;

public final class Client {
    static final String SPECIAL_TEXT = "héllo <&> \"' ünïcødé ✓";
    static int failures = 0;

    static void report(String name, boolean ok, String detail) {
        System.out.println((ok ? "PASS " : "FAIL ") + name + (detail.isEmpty() ? "" : ": " + detail));
        if (!ok) failures++;
    }

    /** Runs one case; the callable returns "" when it passed, else why not. */
    static void run(String name, Callable<String> body) {
        try {
            String why = body.call();
            report(name, why.isEmpty(), why);
        } catch (Exception e) {
            String msg = String.valueOf(e.getMessage());
            report(name, false, e.getClass().getSimpleName() + ": " + (msg.length() > 300 ? msg.substring(0, 300) : msg));
        }
    }

    static String expect(double got, double want) {
        return Double.doubleToRawLongBits(got) == Double.doubleToRawLongBits(want)
            ? "" : "got " + got + ", want " + want;
    }

    static CalculatorPortType port(CalculatorService service, String mode) {
        boolean wsa = mode.endsWith("-wsa");
        AddressingFeature[] features = wsa
            ? new AddressingFeature[] {new AddressingFeature(true, true)} : new AddressingFeature[0];
        return mode.startsWith("soap11")
            ? service.getCalculatorSoap11Port(features) : service.getCalculatorSoap12Port(features);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && !(args.length == 4 && args[2].equals("--cancel-ms"))) {
            System.err.println("usage: java Client WSDL_URL soap11|soap11-wsa|soap12|soap12-wsa [--cancel-ms N]");
            System.exit(2);
        }
        String[] modes = args[1].split(",");
        for (String mode : modes) {
            if (!mode.matches("soap1[12](-wsa)?")) {
                System.err.println("unknown mode " + mode);
                System.exit(2);
            }
        }
        // --cancel-ms 0: no cancellation case (fixture captures).
        int cancelBase = args.length == 4 ? Integer.parseInt(args[3]) : 20000;
        CalculatorService service = new CalculatorService(new URL(args[0]));
        for (int k = 0; k < modes.length; k++) {
            runMode(service, modes[k], cancelBase == 0 ? 0 : cancelBase + k);
        }
        System.out.println(String.valueOf(com.sun.xml.ws.util.RuntimeVersion.VERSION).split(" svn")[0] + " on Java "
            + System.getProperty("java.version") + ": " + (failures == 0 ? "all passed" : failures + " failed"));
        System.exit(failures == 0 ? 0 : 1);
    }

    static void runMode(CalculatorService service, String mode, int cancelMs) {
        CalculatorPortType calc = port(service, mode);
        String v = "[" + mode + "]";

        run(v + " Add(1.5, 2.25) = 3.75", () -> expect(calc.add(1.5, 2.25), 3.75));
        run(v + " Add(1e308, 0) = 1e308", () -> expect(calc.add(1e308, 0), 1e308));
        run(v + " Add(-0.0, -0.0) = -0.0", () -> expect(calc.add(-0.0, -0.0), -0.0));
        run(v + " Add(5e-324, 0) = 5e-324", () -> expect(calc.add(Double.MIN_VALUE, 0), Double.MIN_VALUE));
        run(v + " Divide(1, 4) = 0.25", () -> expect(calc.divide(1, 4), 0.25));
        run(v + " Divide(1, 0) raises SOAPFaultException 'division by zero'", () -> {
            try {
                return "no fault, result " + calc.divide(1, 0);
            } catch (SOAPFaultException f) {
                String reason = f.getFault().getFaultString();
                return "division by zero".equals(reason) ? ""
                    : "reason '" + reason + "', code " + f.getFault().getFaultCodeAsQName();
            }
        });
        run(v + " Add(2, 3) = 5 after the fault", () -> expect(calc.add(2, 3), 5));
        run(v + " Echo(special and non-ASCII)", () -> echo(calc, SPECIAL_TEXT));
        run(v + " Echo(empty)", () -> echo(calc, ""));
        run(v + " Echo(1 MiB)", () -> echo(calc, "x".repeat(1024 * 1024)));
        run(v + " Delay(50) = 50", () -> {
            long t0 = System.nanoTime();
            Holder<Integer> ms = new Holder<>(50);
            calc.delay(ms);
            long took = (System.nanoTime() - t0) / 1_000_000;
            return ms.value == 50 && took >= 50 ? "" : "result " + ms.value + " after " + took + " ms";
        });
        if (cancelMs > 0) run(v + " request timeout 500 ms during Delay(" + cancelMs + ")", () -> {
            CalculatorPortType doomed = port(service, mode);
            java.util.Map<String, Object> ctx = ((BindingProvider) doomed).getRequestContext();
            ctx.put("com.sun.xml.ws.request.timeout", 500);
            ctx.put("javax.xml.ws.client.receiveTimeout", 500);
            long t0 = System.nanoTime();
            Thread announce = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    System.out.println("cancel-at request=Delay(" + cancelMs + ") unix_ms=" + System.currentTimeMillis());
                } catch (InterruptedException e) {
                    // the call ended first
                }
            });
            announce.start();
            try {
                Holder<Integer> ms = new Holder<>(cancelMs);
                doomed.delay(ms);
                return "the call returned " + ms.value;
            } catch (WebServiceException e) {
                long took = (System.nanoTime() - t0) / 1_000_000;
                return took < 3000 ? "" : "ended after " + took + " ms (" + e + ")";
            } finally {
                announce.join();
            }
        });
        run(v + " Add(1, 2) = 3 after the timeout", () -> expect(calc.add(1, 2), 3));
    }

    static String echo(CalculatorPortType calc, String text) {
        Holder<String> h = new Holder<>(text);
        calc.echo(h);
        if (text.equals(h.value)) return "";
        return "got " + (h.value == null ? "null" : h.value.length() > 80 ? h.value.length() + " chars" : "'" + h.value + "'");
    }
}
