"""Helpers shared by the interop scripts: locating, building and starting the
foreign peers. Imported by self_check.py, run_clients.py and
capture_fixtures.py; not a script itself.

Exit-code convention of every script here: 0 passed, 1 a present peer failed,
2 usage, 77 SKIPPED (a peer cannot be installed or built; reason printed).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

EXIT_SKIPPED = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LISTENING = re.compile(rb"^listening on (\d+)\s*$")


class Skipped(Exception):
    """A peer is not available here; the message says why."""


def banner_skipped(reason):
    line = "=" * 65
    print(f"{line}\nSKIPPED: {reason}\n{line}", file=sys.stderr, flush=True)


def calculator_wsdl():
    """Path of the contract: $WWS_CALCULATOR_WSDL, a tracked copy, or ../shared."""
    env = os.environ.get("WWS_CALCULATOR_WSDL")
    if env:
        return env
    try:
        out = subprocess.run(["git", "-C", REPO, "ls-files", "--", "*calculator.wsdl"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
        if out.split():
            return os.path.join(REPO, out.split()[0])
    except OSError:
        pass
    shared = os.path.join(os.path.dirname(REPO), "shared", "contracts", "calculator.wsdl")
    if os.path.isfile(shared):
        return shared
    raise FileNotFoundError("calculator.wsdl not found (set WWS_CALCULATOR_WSDL)")


def gsoap_build_dir():
    return os.environ.get("WWS_GSOAP_BUILD_DIR",
                          os.path.join(tempfile.gettempdir(), "wws-interop-gsoap"))


def build_gsoap(out_dir=None):
    """Build calc_server/calc_client with gsoap/build.sh; returns the dir.

    Rebuilds only when a source or the WSDL is newer than the binaries.
    Raises Skipped when gSOAP is not installed, RuntimeError on build failure.
    """
    out_dir = out_dir or gsoap_build_dir()
    binaries = [os.path.join(out_dir, n) for n in ("calc_server", "calc_client")]
    inputs = [os.path.join(HERE, "gsoap", n) for n in ("server.cpp", "client.cpp", "build.sh")]
    inputs.append(calculator_wsdl())
    if all(os.path.isfile(b) for b in binaries):
        newest_input = max(os.path.getmtime(p) for p in inputs)
        if min(os.path.getmtime(b) for b in binaries) > newest_input:
            return out_dir
    proc = subprocess.run([os.path.join(HERE, "gsoap", "build.sh"), out_dir],
                          capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode == EXIT_SKIPPED:
        reasons = [l[len("SKIPPED: "):] for l in proc.stderr.splitlines()
                   if l.startswith("SKIPPED: ")]
        raise Skipped(reasons[0] if reasons else "gSOAP: build.sh skipped")
    if proc.returncode != 0:
        raise RuntimeError(f"gSOAP build failed:\n{proc.stdout}{proc.stderr}")
    return out_dir


class Server:
    """A peer process that prints 'listening on PORT'; use as a context manager."""

    def __init__(self, name, argv, timeout=30.0, env=None):
        self.name = name
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env)
        self.port = None
        self.stderr_lines = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        deadline = time.monotonic() + timeout
        ready = threading.Event()

        def read_port():
            for line in self.proc.stdout:
                m = LISTENING.match(line)
                if m:
                    self.port = int(m.group(1))
                    ready.set()
                    break
            ready.set()
            for _ in self.proc.stdout:  # keep the pipe from filling up
                pass

        threading.Thread(target=read_port, daemon=True).start()
        ready.wait(max(0.0, deadline - time.monotonic()))
        if self.port is None:
            rc = self.proc.poll()
            self.stop()
            if rc == EXIT_SKIPPED:
                raise Skipped(f"{name}: " + " ".join(self.stderr_lines[-3:]))
            raise RuntimeError(f"{name} did not print 'listening on PORT' "
                               f"(exit {rc}): {' '.join(self.stderr_lines[-5:])}")

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip())
            del self.stderr_lines[:-50]

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def gsoap_server(proper_soap11=False):
    build = build_gsoap()
    argv = [os.path.join(build, "calc_server")]
    if proper_soap11:
        argv.append("--proper-soap11")
    argv += ["0", calculator_wsdl()]
    return Server("gSOAP server" + (" --proper-soap11" if proper_soap11 else ""), argv)


def spyne_server():
    return Server("spyne server", [sys.executable, os.path.join(HERE, "spyne_server.py"), "0",
                                   "--wsdl", calculator_wsdl()])


def capture_proxy(upstream_base, out_dir, wsdl=None):
    argv = [sys.executable, os.path.join(HERE, "capture_proxy.py"), "0", upstream_base, out_dir]
    if wsdl:
        argv += ["--wsdl", wsdl]
    return Server("capture proxy", argv)


def peer_cache_dir():
    return os.environ.get("WWS_PEER_CACHE_DIR",
                          os.path.join(tempfile.gettempdir(), "wws-interop-peers"))


def build_peer(peer, *extra):
    """peer_cache.sh CACHE wcf|jaxws-server|jaxws-client [WSDL_URL]: (dir, classpath)."""
    proc = subprocess.run(["bash", os.path.join(HERE, "peer_cache.sh"), peer_cache_dir(), peer,
                           *extra], capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode == EXIT_SKIPPED:
        reasons = [l[len("SKIPPED: "):] for l in proc.stderr.splitlines()
                   if l.startswith("SKIPPED: ")]
        raise Skipped(reasons[0] if reasons else f"{peer}: peer_cache.sh skipped")
    if proc.returncode != 0:
        raise RuntimeError(f"{peer} build failed:\n{proc.stdout}{proc.stderr}")
    lines = proc.stdout.splitlines()
    classpath = next((l[len("classpath "):] for l in lines if l.startswith("classpath ")), None)
    return lines[-1], classpath


JAVA = ["java", "-Djava.util.logging.config.file=/dev/null"]


def node_path():
    """NODE_PATH holding the pinned soap package (install.sh); raises Skipped."""
    proc = subprocess.run(["bash", "-c", f"source '{HERE}/lib.sh' && node_soap_path"],
                          capture_output=True, text=True, timeout=30, check=False)
    if proc.returncode != 0 or shutil.which("node") is None:
        raise Skipped("node-soap: node or the soap package is not installed "
                      "(run tests/interop/install.sh)")
    return proc.stdout.strip()


def wcf_server():
    build, _ = build_peer("wcf")
    return Server("WCF server", ["mono", os.path.join(build, "wcf_server.exe"), "0"])


def jaxws_server():
    _, classpath = build_peer("jaxws-server")
    return Server("JAX-WS server", JAVA + ["-cp", classpath, "Server", "0"])


def node_server():
    env = dict(os.environ, NODE_PATH=node_path())
    return Server("node-soap server", ["node", os.path.join(HERE, "node", "server.js"), "0",
                                       calculator_wsdl()], env=env)


def client_command(client, wsdl_url, version="both"):
    """argv running a foreign client against wsdl_url; raises Skipped."""
    if client == "zeep":
        return [sys.executable, os.path.join(HERE, "zeep_client.py"), wsdl_url,
                "--version", version]
    if client == "php":
        php = shutil.which("php")
        if php is None:
            raise Skipped("PHP: 'php' not found (run tests/interop/install.sh)")
        return [php, os.path.join(HERE, "php_client.php"), wsdl_url, version]
    if client == "wcf":
        # wsdl_url's base; WCF takes addresses, not the WSDL. version: a binding.
        build, _ = build_peer("wcf")
        base = wsdl_url.split("/calculator")[0]
        return ["mono", os.path.join(build, "wcf_client.exe"), base, version, "--cancel-ms", "0"]
    if client == "jaxws":
        _, classpath = build_peer("jaxws-client", wsdl_url)
        return JAVA + ["-cp", classpath, "Client", wsdl_url, version, "--cancel-ms", "0"]
    if client == "node":
        return ["env", f"NODE_PATH={node_path()}", "node", os.path.join(HERE, "node", "client.js"),
                wsdl_url, version, "--cancel-ms", "0"]
    raise ValueError(client)


def run_client(argv, timeout=300):
    """Run a client, echo its output; returns its exit code."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        print(f"FAIL {os.path.basename(argv[1])}: timed out after {timeout} s")
        return 1
    sys.stdout.write(proc.stdout)
    if proc.returncode == EXIT_SKIPPED:
        sys.stderr.write(proc.stderr)
    elif proc.returncode != 0 and proc.stderr:
        sys.stdout.write(proc.stderr)
    sys.stdout.flush()
    return proc.returncode
