"""deno_fmt(path): formats a generated TypeScript file with `deno fmt` when deno is installed, so
that `deno fmt --check` stays clean. Shared by the scripts here that write sources under lib/."""
import shutil
import subprocess


def deno_fmt(path):
    """Formats `path` in place with deno fmt (does nothing without deno)."""
    if shutil.which("deno"):
        subprocess.run(["deno", "fmt", "--quiet", path], check=False)
