"""briefgen: cited one-page briefs and fact sheets from a folder of sourced facts."""

__version__ = "0.1.0"
