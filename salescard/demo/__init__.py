"""Demo data for SalesCard: a sales team, a catalogue and synthetic Chinese customers (``manage.py seed_demo``).

The modules hold the data and draw the customers; :mod:`salescard.demo.seeding` writes them. Customers' purchase intent
comes from hidden per-customer preferences (:mod:`salescard.demo.preferences`) that are never stored, so that the intent
model (SPEC S4, B4) has something real to learn from browsing, app usage and profile.
"""
