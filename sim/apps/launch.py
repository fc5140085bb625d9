"""Start an app's solara server: ``python -m sim.apps.launch hospital|courts [--port P]``.

The server runs in production mode (no reloading when source files change) and listens on
localhost unless another host is given. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading

APPS = {"hospital": "sim.apps.hospital", "courts": "sim.apps.courts"}


def server_command(
    domain: str, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False
) -> list[str]:
    """The command line that serves the app of `domain` (``hospital`` or ``courts``)."""
    if domain not in APPS:
        raise ValueError(f"unknown app '{domain}'; allowed: {sorted(APPS)}")
    return [
        sys.executable, "-m", "solara", "run", APPS[domain], "--host", host,
        "--port", str(int(port)), "--production", "--open" if open_browser else "--no-open",
    ]  # fmt: skip


def launch(
    domain: str, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False
) -> None:
    """Serve the app of `domain` at http://HOST:PORT/ until interrupted (Ctrl-C or SIGTERM).

    Raises ValueError for an unknown domain and RuntimeError if the server fails.
    """
    command = server_command(domain, host, port, open_browser)
    print(f"Goodhart {domain} app: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    server = subprocess.Popen(command)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        code = server.wait()
    except (KeyboardInterrupt, SystemExit):
        code = 0
    finally:
        if server.poll() is None:  # never leave the server running without us
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if code not in (0, -signal.SIGINT, -signal.SIGTERM, 130):
        raise RuntimeError(f"the {domain} app server exited with status {code}")


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: parse the domain, host and port, then serve."""
    parser = argparse.ArgumentParser(prog="python -m sim.apps.launch", description=__doc__)
    parser.add_argument("domain", choices=sorted(APPS))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    launch(args.domain, args.host, args.port, args.open)


if __name__ == "__main__":
    main()
