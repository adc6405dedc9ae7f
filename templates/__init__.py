# The built-in templates, installed as the package data `briefgen.templates`.
