// gSOAP calculator client for the wws interop tests: calls every operation of
// the calculator contract once and checks each answer, so what gSOAP sends
// can be captured and a server can be checked against gSOAP.
//
// Usage: calc_client URL 1.1|1.2
// Prints PASS/FAIL per case; exit 0 when all pass, 1 otherwise, 2 on usage.

#include "soapCalculatorSoap11Proxy.h"
#include "CalculatorSoap11.nsmap"

#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

int g_failures = 0;

void report(const char *name, bool ok, const std::string &detail) {
  std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", name, detail.empty() ? "" : ": ",
              detail.c_str());
  if (!ok) ++g_failures;
}

std::string fault_text(CalculatorSoap11Proxy &proxy) {
  const char *s = soap_fault_string(proxy.soap);
  return s != nullptr ? s : "";
}

std::string describe_error(CalculatorSoap11Proxy &proxy) {
  char buf[1024];
  buf[0] = '\0';
  proxy.soap_sprint_fault(buf, sizeof buf);
  return buf;
}

void echo_case(CalculatorSoap11Proxy &proxy, const char *url, const char *name,
               const std::string &text) {
  _ns1__Echo req;
  _ns1__EchoResponse resp;
  req.text = text;
  if (proxy.Echo(url, nullptr, &req, resp) != SOAP_OK) {
    report(name, false, describe_error(proxy));
  } else {
    report(name, resp.text == text,
           resp.text == text ? "" : "got " + std::to_string(resp.text.size()) + " bytes, sent " +
                                        std::to_string(text.size()));
  }
  proxy.destroy();
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 3 || (std::strcmp(argv[2], "1.1") != 0 && std::strcmp(argv[2], "1.2") != 0)) {
    std::fprintf(stderr, "usage: %s URL 1.1|1.2\n", argv[0]);
    return 2;
  }
  const char *url = argv[1];
  CalculatorSoap11Proxy proxy(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
  // The generated namespace table is SOAP 1.2 first (wsdl2h imports soap12.h
  // because the WSDL has a 1.2 binding), and gSOAP takes the version it
  // sends from the table's first entry: for 1.1, install a copy whose
  // SOAP-ENV/SOAP-ENC entries are 1.1 (accepting 1.2 on input).
  std::vector<Namespace> soap11_table;
  if (std::strcmp(argv[2], "1.1") == 0) {
    for (const Namespace *ns = namespaces; ns->id != nullptr; ++ns) soap11_table.push_back(*ns);
    soap11_table.push_back(Namespace{nullptr, nullptr, nullptr, nullptr});
    for (Namespace &ns : soap11_table) {
      if (ns.id == nullptr) continue;
      if (std::strcmp(ns.id, "SOAP-ENV") == 0 || std::strcmp(ns.id, "SOAP-ENC") == 0)
        std::swap(ns.ns, ns.in);
    }
    soap_set_namespaces(proxy.soap, soap11_table.data());
  }
  proxy.soap->recv_timeout = 30;
  proxy.soap->send_timeout = 30;
  proxy.soap->connect_timeout = 10;

  {
    _ns1__Add req;
    _ns1__AddResponse resp;
    req.a = 1.5;
    req.b = 2.25;
    if (proxy.Add(url, nullptr, &req, resp) != SOAP_OK)
      report("Add(1.5, 2.25)", false, describe_error(proxy));
    else
      report("Add(1.5, 2.25)", resp.result == 3.75, "result " + std::to_string(resp.result));
    proxy.destroy();
  }
  {
    _ns1__Divide req;
    _ns1__DivideResponse resp;
    req.a = 1;
    req.b = 0;
    int rc = proxy.Divide(url, nullptr, &req, resp);
    std::string reason = rc == SOAP_OK ? "" : fault_text(proxy);
    report("Divide(1, 0) faults", rc != SOAP_OK && reason == "division by zero",
           rc == SOAP_OK ? "no fault" : "reason '" + reason + "'");
    proxy.destroy();
  }
  {
    _ns1__Divide req;
    _ns1__DivideResponse resp;
    req.a = 1;
    req.b = 4;
    if (proxy.Divide(url, nullptr, &req, resp) != SOAP_OK)
      report("Divide(1, 4)", false, describe_error(proxy));
    else
      report("Divide(1, 4)", resp.result == 0.25, "result " + std::to_string(resp.result));
    proxy.destroy();
  }
  echo_case(proxy, url, "Echo(special)", "héllo <&> \"' ünïcødé ✓");
  echo_case(proxy, url, "Echo(empty)", "");
  echo_case(proxy, url, "Echo(1 MiB)", std::string(1024 * 1024, 'x'));
  {
    _ns1__Delay req;
    _ns1__DelayResponse resp;
    req.milliseconds = 50;
    if (proxy.Delay(url, nullptr, &req, resp) != SOAP_OK)
      report("Delay(50)", false, describe_error(proxy));
    else
      report("Delay(50)", resp.milliseconds == 50,
             "milliseconds " + std::to_string(resp.milliseconds));
    proxy.destroy();
  }
  return g_failures == 0 ? 0 : 1;
}
