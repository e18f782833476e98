"""
Run Varnish in front of an app server, with the repository's VCL (deploy/varnish/newsroom.vcl):
used by scripts/serve-varnish, the tests that check purges against a real Varnish, and the
benchmarks. Production runs varnishd from its own service unit with the same VCL.

    python -m httpcache.varnish --listen 127.0.0.1:8000 --backend 127.0.0.1:8001
"""

import argparse
import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "newsroom.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


def render_vcl(*, backend_host, backend_port, purgers=("127.0.0.1", "::1")):
    acl = "\n    ".join(f'"{address}";' for address in purgers)
    values = {"BACKEND_HOST": backend_host, "BACKEND_PORT": str(backend_port), "PURGERS": acl}
    vcl = VCL.read_text()
    for name, value in values.items():
        vcl = vcl.replace(f"@{name}@", value)
    return vcl


def _split(address):
    host, _, port = address.rpartition(":")
    return host, int(port)


def wait_for_port(host, port, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on {host}:{port} within {timeout:.0f} s")


class Varnish:
    """varnishd in the foreground of a child process, in its own scratch directory."""

    def __init__(self, *, listen, backend, memory="64m", purgers=("127.0.0.1", "::1")):
        self.listen, self.backend, self.memory, self.purgers = listen, backend, memory, purgers
        self.workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
        self.process = None

    def start(self):
        backend_host, backend_port = _split(self.backend)
        vcl = self.workdir / "newsroom.vcl"
        vcl.write_text(
            render_vcl(backend_host=backend_host, backend_port=backend_port, purgers=self.purgers)
        )
        # -j none: no privilege separation (a scratch instance run by its own user); -F: stays
        # in the foreground as this child process, so stop() ends it.
        command = [VARNISHD, "-F", "-j", "none", "-n", str(self.workdir / "n"), "-a", self.listen]
        command += ["-f", str(vcl), "-s", f"malloc,{self.memory}"]
        # Its messages go to a file: a pipe nobody reads fills up and stalls varnishd.
        with open(self.workdir / "varnishd.log", "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        host, port = _split(self.listen)
        try:
            wait_for_port(host, port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--listen", default="127.0.0.1:8000")
    parser.add_argument("--backend", default="127.0.0.1:8001")
    parser.add_argument("--memory", default="256m")
    args = parser.parse_args()
    with Varnish(listen=args.listen, backend=args.backend, memory=args.memory) as varnish:
        print(f"Varnish on http://{args.listen}/ in front of http://{args.backend}/", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            varnish.process.wait()


if __name__ == "__main__":
    main()
