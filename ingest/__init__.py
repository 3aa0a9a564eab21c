"""Documents in, clauses out: loading, normalisation, numbering structure and responsibility units."""
