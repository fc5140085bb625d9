"""Solara's web assets for machines that reach the npm registry but not solara's CDN.

The solara server hands the browser its JavaScript, CSS and fonts from a CDN through a
local cache (`solara.server.settings.assets.proxy_cache_dir`, inside the environment).
Where that CDN cannot be reached the page stays blank. ``python -m sim.apps.assets`` fills
the cache with the npm packages the apps' pages load, using the `npm` client; packages
already cached are left alone, so running it again is cheap.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

_SPEC = re.compile(r"\{\{cdn\}\}/((?:@[\w.-]+/)?[\w.-]+@[\w.+-]+)/")


def cache_dir() -> Path:
    """Where the solara server caches the files it would fetch from its CDN."""
    from solara.server.settings import assets

    return Path(assets.proxy_cache_dir)


def required() -> list[str]:
    """The npm packages (``name@version``) the apps' pages load from the CDN."""
    import solara.server
    from solara.server.server import vue3
    from solara.server.settings import assets

    template = Path(solara.server.__file__).parent / "templates" / "solara.html.j2"
    specs = set(_SPEC.findall(template.read_text(encoding="utf-8")))
    app = "solara-vuetify3-app@" if vue3 else "solara-vuetify-app@"
    specs = {s for s in specs if "solara-vuetify" not in s or app in s}
    if assets.fontawesome_enabled:
        specs.add(assets.fontawesome_path.strip("/").split("/")[0])
    return sorted(specs)


def missing() -> list[str]:
    """The required packages not yet unpacked in the cache."""
    return [s for s in required() if not (cache_dir() / s / "package.json").exists()]


def fetch(spec: str, npm: str = "npm") -> Path:
    """Unpack npm package `spec` into the cache (files already there are kept)."""
    target = cache_dir() / spec
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", str(work)],
            check=True, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        tarball = next(work.glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            archive.extractall(work / "unpacked", filter="data")
        source = work / "unpacked" / "package"
        for path in sorted(source.rglob("*")):
            if path.is_file():
                destination = target / path.relative_to(source)
                if not destination.exists():
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, destination)
    return target


FETCH_COMMAND = f"{Path(sys.executable).name} -m sim.apps.assets"


def ensure(log=print) -> list[str]:
    """Fetch what is missing, if npm is here; return what is still missing, saying so.

    Called by the app launcher before it starts the server, so the page works offline
    after the first launch on a machine that could reach the npm registry once. What it
    cannot fetch it names, with the one command to run once the registry can be reached;
    until then the page loads its assets from solara's CDN, or stays blank offline.
    """
    try:
        todo = missing()
    except (ImportError, OSError) as error:
        log(f"goodhart: warning: cannot check solara's web assets ({error})")
        return []
    if not todo:
        return []
    npm = shutil.which("npm")
    still = list(todo)
    if npm is not None:
        log(f"fetching solara's web assets for offline use ({len(todo)} packages, once)")
        for spec in todo:
            try:
                fetch(spec, npm)
                still.remove(spec)
            except (subprocess.SubprocessError, OSError, StopIteration, tarfile.TarError):
                pass
    if still:
        log(f"goodhart: warning: {len(still)} of solara's web asset packages are not cached "
            f"({', '.join(still)}): without network access to solara's CDN the page stays "
            f"blank. Fetch them once with: {FETCH_COMMAND}"
            + ("" if npm else " (needs npm: e.g. apt install npm)"))  # fmt: skip
    return still


def main() -> int:
    """Fill the cache; exit status 1 if a package could not be fetched."""
    todo = missing()
    if not todo:
        print(f"solara's web assets are all cached in {cache_dir()}")
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print(f"npm not found: cannot fetch {todo} into {cache_dir()}", file=sys.stderr)
        return 1
    failed = []
    for spec in todo:
        try:
            print(f"fetching {spec} -> {fetch(spec, npm)}", flush=True)
        except (subprocess.SubprocessError, OSError, StopIteration, tarfile.TarError) as error:
            detail = getattr(error, "stderr", "") or error
            print(f"could not fetch {spec}: {detail}", file=sys.stderr)
            failed.append(spec)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
