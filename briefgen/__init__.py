"""briefgen: cited one-page briefs and fact sheets from a folder of sourced facts."""

__version__ = "0.1.0"

# Whether this process loads one workspace and ends (a command, not a server
# or a program using the library): what a load made is then moved out of the
# cyclic garbage collector's sight when it ends (gc.freeze), rather than all
# scanned once more (some 0.05 s for 10,000 facts) for nothing to free.
ONE_SHOT = False
