"""Start a domain's app server: ``python -m sim.apps.launch DOMAIN [--host H] [--port P]``.

DOMAIN is any registered domain with an app (`sim.apps.app_domains()`). The server is
``solara run sim.apps.page`` with the environment variable ``GOODHART_APP_DOMAIN`` naming
the domain; it runs in production mode (no reloading when source files change) and
listens on localhost unless another host is given. Stop it with Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from typing import NamedTuple

from sim.apps.spec import app_domains

#: The environment variable naming the domain whose app `sim.apps.page` serves.
DOMAIN_ENV = "GOODHART_APP_DOMAIN"


class ServerCommand(NamedTuple):
    """A command line and the environment variables to add to the current ones to run it."""

    args: list[str]
    env: dict[str, str]


def server_command(
    domain: str, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False
) -> ServerCommand:
    """The command that serves the app of `domain`, and the variable naming the domain.

    Run ``args`` with ``env`` added to the environment (``{DOMAIN_ENV: domain}``). Raises
    ValueError unless `domain` is a registered domain with an app.
    """
    allowed = app_domains()
    if domain not in allowed:
        raise ValueError(f"no app for domain '{domain}'; allowed: {allowed}")
    args = [
        sys.executable, "-m", "solara", "run", "sim.apps.page", "--host", host,
        "--port", str(int(port)), "--production", "--open" if open_browser else "--no-open",
    ]  # fmt: skip
    return ServerCommand(args, {DOMAIN_ENV: domain})


def launch(
    domain: str, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = False
) -> None:
    """Serve the app of `domain` at http://HOST:PORT/ until interrupted (Ctrl-C or SIGTERM).

    Raises ValueError for an unknown domain and RuntimeError if the server fails.
    """
    command = server_command(domain, host, port, open_browser)
    from sim.apps.assets import ensure

    ensure(lambda line: print(line, file=sys.stderr, flush=True))
    print(f"Goodhart {domain} app: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    server = subprocess.Popen(command.args, env={**os.environ, **command.env})
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
    parser.add_argument("domain", choices=app_domains())
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--open", action="store_true", help="open a browser tab")
    args = parser.parse_args(argv)
    launch(args.domain, args.host, args.port, args.open)


if __name__ == "__main__":
    main()
