"""
Bringing a newsroom's archive in: reading a WordPress export and recovering each post's parts.

- :mod:`.wxr` streams the export's posts (with comments, terms, authors) safely;
- :mod:`.blocks` cuts a post's HTML into blocks, for the block and the classic editor alike;
- :mod:`.structure` recognises the parts of an "On This Day" post among those blocks
  (:mod:`.provenance` reads a quote's credit line, :mod:`.lines` the ``date — text`` lines);
- :mod:`.report` describes what was recognised and what is left in the body (the dry run).

Nothing here writes to the database.
"""
