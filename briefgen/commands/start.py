"""Where the `briefgen` command starts.

`briefgen --version` is answered here, before click and the command line
are imported (a script or an editor asking for the version should not wait
for them); anything else goes to `briefgen.commands.cli`.
"""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from briefgen import __version__

        sys.stdout.write(f"briefgen, version {__version__}\n")  # what click's version option says
        return
    from briefgen.commands.cli import main as run

    run()
