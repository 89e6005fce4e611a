// gSOAP calculator server for the wws interop tests and benchmarks.
//
// Built by build.sh against code that wsdl2h + soapcpp2 generate from
// ../../../../shared/contracts/calculator.wsdl (the generated files never
// enter the repository).
//
// Usage: calc_server [--proper-soap11] PORT [WSDL_FILE]
//   Listens on 127.0.0.1:PORT (0 = any free port) and prints
//   "listening on <port>" once accepting. One thread per connection,
//   HTTP keep-alive without a request limit.
//
// Both SOAP versions on one port: wsdl2h folds the two WSDL bindings into a
// single service (the second one's operations get a trailing '_' and are never
// dispatched, since the body element names are the same), so /calculator
// (1.1) and /calculator12 (1.2) are both served; the path is not looked at
// for POST.
//
// Stock gSOAP quirk, kept by default because real gSOAP services built this
// way behave so: the generated namespace table puts SOAP 1.2 first, and the
// dispatcher re-installs it after reading the request, so a SOAP 1.1 request
// gets a *hybrid* answer: 1.1 envelope namespace, but SOAP 1.2 fault elements
// (Code/Value, Reason/Text), Content-Type application/soap+xml with action=,
// and HTTP 400 for a Sender fault. With --proper-soap11 each operation
// switches the context back to the request's version first, so 1.1 requests
// get plain SOAP 1.1 answers (faultcode/faultstring, text/xml, HTTP 500).
//
// With WSDL_FILE, GET <any path>?wsdl returns that file with
// "http://localhost:8080" replaced by "http://127.0.0.1:<port>".

#include "soapCalculatorSoap11Service.h"
#include "CalculatorSoap11.nsmap"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// Bounds so a misbehaving client cannot exhaust the machine.
constexpr int kMaxConnections = 4096;
constexpr int kIdleTimeoutSeconds = 120;
constexpr ULONG64 kMaxMessageBytes = 16u * 1024u * 1024u;
constexpr int kMaxDelayMs = 600000;

std::atomic<int> g_connections{0};
bool g_proper_soap11 = false;
const char kSoap11Envelope[] = "http://schemas.xmlsoap.org/soap/envelope/";
std::string g_wsdl;  // served at ?wsdl, address already replaced; empty = none

class Calculator : public CalculatorSoap11Service {
 public:
  explicit Calculator(struct soap *s) : CalculatorSoap11Service(s) {}

  // With --proper-soap11: answer (result or fault) in the request's version.
  // The dispatcher left soap->version at 2, but the envelope namespace that
  // was read stays in local_namespaces[0].out.
  void answer_in_request_version() {
    if (!g_proper_soap11 || soap->local_namespaces == nullptr) return;
    const char *read = soap->local_namespaces[0].out;
    if (read != nullptr && std::strcmp(read, kSoap11Envelope) == 0) soap_set_version(soap, 1);
  }

  // Required by WITH_PURE_VIRTUAL; connections are copied with soap_copy.
  CalculatorSoap11Service *copy() override {
    struct soap *dup = soap_copy(soap);
    if (dup == nullptr) return nullptr;
    Calculator *c = new Calculator(dup);
    c->soap_own = true;  // the destructor frees dup
    return c;
  }

  int Add(_ns1__Add *req, _ns1__AddResponse &resp) override {
    answer_in_request_version();
    if (req == nullptr) return soap_senderfault("missing Add element", nullptr);
    resp.result = req->a + req->b;
    return SOAP_OK;
  }

  int Divide(_ns1__Divide *req, _ns1__DivideResponse &resp) override {
    answer_in_request_version();
    if (req == nullptr) return soap_senderfault("missing Divide element", nullptr);
    if (req->b == 0.0) return soap_senderfault("division by zero", nullptr);
    resp.result = req->a / req->b;
    return SOAP_OK;
  }

  int Echo(_ns1__Echo *req, _ns1__EchoResponse &resp) override {
    answer_in_request_version();
    if (req == nullptr) return soap_senderfault("missing Echo element", nullptr);
    resp.text = req->text;
    return SOAP_OK;
  }

  int Delay(_ns1__Delay *req, _ns1__DelayResponse &resp) override {
    answer_in_request_version();
    if (req == nullptr) return soap_senderfault("missing Delay element", nullptr);
    if (req->milliseconds < 0 || req->milliseconds > kMaxDelayMs)
      return soap_senderfault("milliseconds out of range", nullptr);
    std::this_thread::sleep_for(std::chrono::milliseconds(req->milliseconds));
    resp.milliseconds = req->milliseconds;
    return SOAP_OK;
  }

  // The SOAP 1.2 binding's copies: same elements, so never dispatched, but
  // they must exist to complete the class.
  int Add_(_ns1__Add *req, _ns1__AddResponse &resp) override { return Add(req, resp); }
  int Divide_(_ns1__Divide *req, _ns1__DivideResponse &resp) override { return Divide(req, resp); }
  int Echo_(_ns1__Echo *req, _ns1__EchoResponse &resp) override { return Echo(req, resp); }
  int Delay_(_ns1__Delay *req, _ns1__DelayResponse &resp) override { return Delay(req, resp); }
};

bool ends_with_wsdl_query(const char *path) {
  if (path == nullptr) return false;
  const char *q = std::strchr(path, '?');
  return q != nullptr && strcasecmp(q + 1, "wsdl") == 0;
}

// HTTP GET hook: the WSDL at ?wsdl, 404 for anything else.
int http_get(struct soap *s) {
  if (g_wsdl.empty() || !ends_with_wsdl_query(s->path)) return 404;
  soap_mode saved = s->omode;
  // Store mode buffers the body so the reply carries Content-Length and the
  // connection can stay open.
  s->omode = (s->omode & ~SOAP_IO) | SOAP_IO_STORE;
  s->http_content = "text/xml; charset=utf-8";
  int rc = SOAP_OK;
  if (soap_response(s, SOAP_FILE) || soap_send_raw(s, g_wsdl.data(), g_wsdl.size()) ||
      soap_end_send(s))
    rc = soap_closesock(s);
  s->omode = saved;
  return rc;
}

void *serve_connection(void *arg) {
  struct soap *s = static_cast<struct soap *>(arg);
  {
    Calculator service(s);
    service.serve();  // loops over keep-alive requests until close or error
    service.destroy();
  }
  soap_force_closesock(s);
  soap_free(s);
  g_connections.fetch_sub(1);
  return nullptr;
}

bool load_wsdl(const char *file, int port) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  const std::string from = "http://localhost:8080";
  const std::string to = "http://127.0.0.1:" + std::to_string(port);
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  g_wsdl = text;
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  const char *prog = argv[0];
  if (argc > 1 && std::strcmp(argv[1], "--proper-soap11") == 0) {
    g_proper_soap11 = true;
    --argc;
    ++argv;
  }
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s [--proper-soap11] PORT [WSDL_FILE]\n", prog);
    return 2;
  }
  char *end = nullptr;
  long port = std::strtol(argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || port < 0 || port > 65535) {
    std::fprintf(stderr, "bad port: %s\n", argv[1]);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);

  struct soap *master = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
  if (master == nullptr) return 1;
  master->bind_flags = SO_REUSEADDR;
  master->max_keep_alive = 0;  // never close a keep-alive connection for count
  master->recv_timeout = kIdleTimeoutSeconds;
  master->send_timeout = kIdleTimeoutSeconds;
  master->recv_maxlength = kMaxMessageBytes;
  master->fget = http_get;

  if (!soap_valid_socket(soap_bind(master, "127.0.0.1", static_cast<int>(port), 128))) {
    soap_print_fault(master, stderr);
    return 1;
  }
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  if (getsockname(master->master, reinterpret_cast<struct sockaddr *>(&addr), &len) != 0) {
    std::perror("getsockname");
    return 1;
  }
  int bound = ntohs(addr.sin_port);
  if (argc == 3 && !load_wsdl(argv[2], bound)) {
    std::fprintf(stderr, "cannot read WSDL file %s\n", argv[2]);
    return 1;
  }
  std::printf("listening on %d\n", bound);
  std::fflush(stdout);

  for (;;) {
    if (!soap_valid_socket(soap_accept(master))) {
      // EINTR/ECONNABORTED and friends: keep serving; anything else is fatal.
      if (master->errnum == EINTR || master->errnum == ECONNABORTED || master->errnum == EMFILE ||
          master->errnum == ENFILE)
        continue;
      soap_print_fault(master, stderr);
      return 1;
    }
    if (g_connections.fetch_add(1) >= kMaxConnections) {
      g_connections.fetch_sub(1);
      soap_force_closesock(master);
      continue;
    }
    struct soap *conn = soap_copy(master);
    if (conn == nullptr) {
      g_connections.fetch_sub(1);
      soap_force_closesock(master);
      continue;
    }
    master->socket = SOAP_INVALID_SOCKET;  // now owned by conn
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&tid, &attr, serve_connection, conn) != 0) {
      soap_force_closesock(conn);
      soap_free(conn);
      g_connections.fetch_sub(1);
    }
    pthread_attr_destroy(&attr);
  }
}
