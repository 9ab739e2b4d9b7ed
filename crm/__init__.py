"""People, products and relations (SPEC S1, P1–P6, B6, X3): the base every other app builds on."""
