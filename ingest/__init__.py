"""Documents in, clauses out: loading, normalisation, numbering structure and responsibility units."""

# Which parsing an index's clauses came from: raise it whenever the same file parses into other clauses
# (structure, units, kinds), so an index built before re-parses its unchanged files (``index.builder.classify``).
PARSER_VERSION = "28"
