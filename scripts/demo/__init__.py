"""The demo of the platform, created through the Tryton ORM as the users
themselves would do it.

    make demo                   # or: python -m scripts.demo -d demo

`__main__` recreates the database, runs `load` and serves it; `load` runs
the areas in order, each a module that imports only the helpers below it:
`platform` (company, operator, reviewers), `vendors` (applications and the
reviewers' decisions), `marketplace` (listings, buyers, orders, RFQs, board
posts), `trace` (lao_trace's chains) and `credit` (profiles, ratings, an
appeal, a warning, a buyer blocked by its limit), on `tryton` (transaction helpers)
and `files` (the PDFs uploaded) and `illustrations` (the listing photos,
drawn).  The passwords are demo passwords, known to everyone who reads
these files: never load this into a real database.
"""
