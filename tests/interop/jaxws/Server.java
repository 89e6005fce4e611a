// JAX-WS RI server of the calculator contract (interop peer): a hand-written
// @WebService implementing the SEI wsimport generates from
// examples/calculator.wsdl, published with Endpoint.
//
// Usage: java Server PORT   (0 = a free port)
//   SOAP 1.1 at http://127.0.0.1:PORT/calculator, SOAP 1.2 at /calculator12,
//   each with and without WS-Addressing 1.0 (@Addressing, not required);
//   prints "listening on PORT" once both accept requests. Divide by zero
//   throws a SOAPFaultException (Client / Sender, "division by zero").
//   Stops on SIGTERM.
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import javax.jws.WebService;
import javax.xml.namespace.QName;
import javax.xml.soap.SOAPConstants;
import javax.xml.soap.SOAPException;
import javax.xml.soap.SOAPFactory;
import javax.xml.ws.Endpoint;
import javax.xml.ws.Holder;
import javax.xml.ws.soap.Addressing;
import javax.xml.ws.soap.SOAPBinding;
import javax.xml.ws.soap.SOAPFaultException;
import org.example.wws.calculator.CalculatorPortType;

public final class Server {
    static final String NS = "http://example.org/wws/calculator";

    // The SEI and wrapper beans are wsimport's, generated from the contract
    // (build.sh): Debian's JAX-WS RI lacks the ASM it needs to generate
    // wrapper beans for a hand-annotated class at run time. Echo and Delay are
    // in-out in that SEI (request and response children share their names).
    @WebService(endpointInterface = "org.example.wws.calculator.CalculatorPortType",
        targetNamespace = NS, serviceName = "CalculatorService")
    @Addressing(enabled = true, required = false)
    public static class Calculator implements CalculatorPortType {
        private final boolean soap12;

        public Calculator() {
            this(false);
        }

        Calculator(boolean soap12) {
            this.soap12 = soap12;
        }

        private SOAPFaultException sender(String reason) {
            try {
                SOAPFactory f = SOAPFactory.newInstance(
                    soap12 ? SOAPConstants.SOAP_1_2_PROTOCOL : SOAPConstants.SOAP_1_1_PROTOCOL);
                QName code = soap12
                    ? new QName(SOAPConstants.URI_NS_SOAP_1_2_ENVELOPE, "Sender")
                    : new QName(SOAPConstants.URI_NS_SOAP_1_1_ENVELOPE, "Client");
                return new SOAPFaultException(f.createFault(reason, code));
            } catch (SOAPException e) {
                throw new RuntimeException(e);
            }
        }

        @Override
        public double add(double a, double b) {
            return a + b;
        }

        @Override
        public double divide(double a, double b) {
            if (b == 0) throw sender("division by zero");
            return a / b;
        }

        @Override
        public void echo(Holder<String> text) {
            if (text.value == null) text.value = "";
        }

        @Override
        public void delay(Holder<Integer> milliseconds) {
            int ms = milliseconds.value == null ? -1 : milliseconds.value;
            if (ms < 0 || ms > 600_000) throw sender("milliseconds out of range");
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int port = args.length == 1 ? Integer.parseInt(args[0]) : -1;
        if (port < 0 || port > 65535) {
            System.err.println("usage: java Server PORT");
            System.exit(2);
        }
        if (port == 0) {
            // Endpoint.publish takes an address, not a bound socket: pick a free port.
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.1", 0));
                port = probe.getLocalPort();
            }
        }
        // A thread per request, so a Delay does not hold up other calls.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        String base = "http://127.0.0.1:" + port;
        Endpoint soap11 = Endpoint.create(SOAPBinding.SOAP11HTTP_BINDING, new Calculator(false));
        soap11.setExecutor(pool);
        soap11.publish(base + "/calculator");
        Endpoint soap12 = Endpoint.create(SOAPBinding.SOAP12HTTP_BINDING, new Calculator(true));
        soap12.setExecutor(pool);
        soap12.publish(base + "/calculator12");
        System.out.println("listening on " + port);
        System.out.flush();
        Thread.currentThread().join();
    }
}
