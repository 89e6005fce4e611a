// The calculator contract (examples/calculator.wsdl) as a WCF service contract:
// document/literal wrapped, children in the contract namespace, the WSDL's
// soapActions. Compiled into client.cs (accepts any reply action: our host
// answers `{action}Response` or the WS-Addressing Metadata §4.4.4 default
// `{ns}/{portType}/{op}Response`) and into server.cs (-d:WCF_SERVER; WCF's
// own default reply action, which is that §4.4.4 form).
using System.ServiceModel;

namespace Wws.Interop
{
    [ServiceContract(Namespace = Calc.Ns, Name = "CalculatorPortType")]
    public interface ICalculator
    {
#if WCF_SERVER
        [OperationContract(Action = Calc.Ns + "/Add")]
#else
        [OperationContract(Action = Calc.Ns + "/Add", ReplyAction = "*")]
#endif
        [return: MessageParameter(Name = "result")]
        double Add(double a, double b);

#if WCF_SERVER
        [OperationContract(Action = Calc.Ns + "/Divide")]
#else
        [OperationContract(Action = Calc.Ns + "/Divide", ReplyAction = "*")]
#endif
        [return: MessageParameter(Name = "result")]
        double Divide(double a, double b);

#if WCF_SERVER
        [OperationContract(Action = Calc.Ns + "/Echo")]
#else
        [OperationContract(Action = Calc.Ns + "/Echo", ReplyAction = "*")]
#endif
        [return: MessageParameter(Name = "text")]
        string Echo(string text);

#if WCF_SERVER
        [OperationContract(Action = Calc.Ns + "/Delay")]
#else
        [OperationContract(Action = Calc.Ns + "/Delay", ReplyAction = "*")]
#endif
        [return: MessageParameter(Name = "milliseconds")]
        int Delay(int milliseconds);
    }

    public static class Calc
    {
        public const string Ns = "http://example.org/wws/calculator";
        public const string SpecialText = "héllo <&> \"' ünïcødé ✓";
        public const long MaxMessage = 16 * 1024 * 1024;
    }
}
