// WCF (Mono System.ServiceModel) ServiceHost of the calculator contract.
//
// Usage: mono wcf_server.exe [PORT]   (0 or none: a free port)
// Serves on 127.0.0.1:PORT
//   /calculator      BasicHttpBinding (SOAP 1.1, action in SOAPAction)
//   /calculator12    CustomBinding, SOAP 1.2 without addressing
//   /calculator12wsa CustomBinding, Soap12WSAddressing10
// and prints "listening on PORT" once it accepts requests. Divide by zero
// answers a Sender fault "division by zero"; Delay sleeps. Stops on SIGTERM.
using System;
using System.Net;
using System.Net.Sockets;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.ServiceModel.Description;
using System.ServiceModel.Dispatcher;
using System.Text;
using System.Threading;
using Wws.Interop;

[ServiceBehavior(InstanceContextMode = InstanceContextMode.Single,
    ConcurrencyMode = ConcurrencyMode.Multiple, IncludeExceptionDetailInFaults = false)]
public class CalculatorService : ICalculator
{
    public double Add(double a, double b) { return a + b; }

    public double Divide(double a, double b)
    {
        if (b == 0)
            throw new FaultException(new FaultReason("division by zero"), new FaultCode("Sender"));
        return a / b;
    }

    public string Echo(string text) { return text ?? ""; }

    public int Delay(int milliseconds)
    {
        if (milliseconds < 0 || milliseconds > 600000)
            throw new FaultException(new FaultReason("milliseconds out of range"), new FaultCode("Sender"));
        Thread.Sleep(milliseconds);
        return milliseconds;
    }
}

// Mono quirk (README): a FaultException thrown by an operation reaches
// Mono's dispatcher wrapped in the TargetInvocationException of the
// reflection call, and is answered as an InternalServiceFault. This handler
// unwraps it and writes the operation's fault as WCF on .NET would.
class UnwrapFaults : IErrorHandler, IServiceBehavior
{
    public bool HandleError(Exception error) { return true; }

    public void ProvideFault(Exception error, MessageVersion version, ref Message fault)
    {
        while (error is System.Reflection.TargetInvocationException && error.InnerException != null)
            error = error.InnerException;
        var f = error as FaultException;
        if (f == null)
            return;
        var code = version.Envelope == EnvelopeVersion.Soap11
            ? new FaultCode("Client", "http://schemas.xmlsoap.org/soap/envelope/")
            : new FaultCode("Sender", "http://www.w3.org/2003/05/soap-envelope");
        fault = Message.CreateMessage(version, MessageFault.CreateFault(code, f.Reason), f.Action);
    }

    public void AddBindingParameters(ServiceDescription d, ServiceHostBase h,
        System.Collections.ObjectModel.Collection<ServiceEndpoint> e, BindingParameterCollection p) { }

    public void ApplyDispatchBehavior(ServiceDescription d, ServiceHostBase host)
    {
        foreach (ChannelDispatcherBase b in host.ChannelDispatchers)
            ((ChannelDispatcher)b).ErrorHandlers.Add(this);
    }

    public void Validate(ServiceDescription d, ServiceHostBase h) { }
}

static class WcfServer
{
    static Binding Soap12(AddressingVersion addressing)
    {
        var encoding = new TextMessageEncodingBindingElement(
            MessageVersion.CreateVersion(EnvelopeVersion.Soap12, addressing), Encoding.UTF8);
        encoding.ReaderQuotas.MaxStringContentLength = (int)Calc.MaxMessage;
        var http = new HttpTransportBindingElement();
        http.MaxReceivedMessageSize = Calc.MaxMessage;
        http.MaxBufferSize = (int)Calc.MaxMessage;
        return new CustomBinding(encoding, http);
    }

    static int Main(string[] args)
    {
        int port = 0;
        if (args.Length > 1 || (args.Length == 1 && (!int.TryParse(args[0], out port) || port < 0 || port > 65535)))
        {
            Console.Error.WriteLine("usage: wcf_server.exe [PORT]");
            return 2;
        }
        if (port == 0)
        {
            // Mono's HTTP listener cannot bind port 0: take a free one.
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }
        var baseUri = new Uri("http://127.0.0.1:" + port + "/");
        var host = new ServiceHost(typeof(CalculatorService), baseUri);
        var basic = new BasicHttpBinding();
        basic.MaxReceivedMessageSize = Calc.MaxMessage;
        basic.MaxBufferSize = (int)Calc.MaxMessage;
        basic.ReaderQuotas.MaxStringContentLength = (int)Calc.MaxMessage;
        host.AddServiceEndpoint(typeof(ICalculator), Soap12(AddressingVersion.WSAddressing10), "calculator12wsa");
        host.AddServiceEndpoint(typeof(ICalculator), Soap12(AddressingVersion.None), "calculator12");
        host.AddServiceEndpoint(typeof(ICalculator), basic, "calculator");
        host.Description.Behaviors.Add(new UnwrapFaults());
        try
        {
            host.Open();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("cannot open the ServiceHost on " + baseUri + ": " + e.Message);
            return 1;
        }
        Console.WriteLine("listening on " + port);
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
        return 0;
    }
}
